package dev.monetize.limits;

import dev.monetize.plans.Rate;
import java.util.Objects;

/**
 * A rate with burst enforced by GCRA. Announced as {@code q=count; w=period}; the remaining
 * count it reports is the number of requests that would be admitted right now, which can exceed
 * {@code count} when the burst is larger.
 *
 * @param name policy name
 * @param rate the rate
 */
public record RatePolicy(String name, Rate rate) implements LimitPolicy {
  /** Validates. */
  public RatePolicy {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(rate, "rate");
  }

  @Override
  public long quota() {
    return rate.count();
  }

  @Override
  public long windowSeconds() {
    return Math.max(1, (rate.period().toMillis() + 999) / 1000);
  }

  /** GCRA emission interval T, ns. */
  public long emissionNanos() {
    return rate.emissionIntervalNanos();
  }

  /** GCRA delay tolerance tau = T * (burst + 1), ns. */
  public long toleranceNanos() {
    return Math.multiplyExact(emissionNanos(), rate.burst() + 1);
  }
}
