package dev.monetize.plans;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a plan promises its customers, measured per UTC day from the same data as the metrics: the
 * latency of admitted calls (admission to completion) and availability (the share of admitted calls
 * not answered 5xx).
 *
 * <pre>{@code
 * SlaTarget.of(Optional.of(Duration.ofMillis(300)), Optional.empty(), Optional.of(new BigDecimal("99.9")));
 * }</pre>
 *
 * @param latencyP99 the 99th percentile latency must not exceed it
 * @param latencyP50 the median latency must not exceed it
 * @param availability the percentage of admitted calls answered without a 5xx (0 to 100, exclusive of 0)
 */
public record SlaTarget(Optional<Duration> latencyP99, Optional<Duration> latencyP50, Optional<BigDecimal> availability) {
  /** Validates. */
  public SlaTarget {
    Objects.requireNonNull(latencyP99, "latencyP99");
    Objects.requireNonNull(latencyP50, "latencyP50");
    Objects.requireNonNull(availability, "availability");
    latencyP99.ifPresent(d -> positive(d, "latency_p99"));
    latencyP50.ifPresent(d -> positive(d, "latency_p50"));
    availability.ifPresent(a -> {
      if (a.signum() <= 0 || a.compareTo(BigDecimal.valueOf(100)) > 0) {
        throw new IllegalArgumentException("availability must be a percentage above 0 and at most 100, got " + a);
      }
    });
    if (latencyP99.isEmpty() && latencyP50.isEmpty() && availability.isEmpty()) {
      throw new IllegalArgumentException("an SLA names at least one of latency_p99, latency_p50, availability");
    }
  }

  private static void positive(Duration d, String name) {
    if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException(name + " must be above 0 and at most 1h, got " + d);
    }
  }
}
