package dev.monetize.plans;

import java.time.Duration;
import java.util.Objects;

/**
 * A request rate with burst, enforced by GCRA: {@code count} requests per {@code period} in the
 * steady state, plus {@code burst} extra requests that may arrive at once.
 *
 * <pre>{@code
 * Rate r = Rate.perSecond(10).withBurst(20);    // 10/s, up to 21 at once
 * Rate m = Rate.of(600, Duration.ofMinutes(1));  // 600/min, no burst
 * }</pre>
 *
 * @param count requests per period, at least 1
 * @param period the period, from 1 ms to 1 day
 * @param burst extra requests allowed at once, 0 or more
 * @param scope whose budget it counts (default: the customer)
 * @param onOutage behaviour when the shared store is unreachable (default: fail open)
 */
public record Rate(long count, Duration period, long burst, LimitScope scope, StoreOutage onOutage) {
  /** The largest count (and burst) a rate takes: a billion requests per period. */
  public static final long MAX_COUNT = 1_000_000_000L;

  /** Validates the values and names the wrong one. */
  public Rate {
    Objects.requireNonNull(period, "period");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(onOutage, "onOutage");
    if (count < 1 || count > MAX_COUNT) {
      throw new IllegalArgumentException("rate count must be 1.." + MAX_COUNT + ", got " + count);
    }
    if (period.compareTo(Duration.ofMillis(1)) < 0 || period.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException("rate period must be between 1ms and 1 day, got " + period);
    }
    if (burst < 0 || burst > MAX_COUNT) {
      throw new IllegalArgumentException("rate burst must be 0.." + MAX_COUNT + ", got " + burst);
    }
  }

  /** A per-customer rate that fails open. */
  public Rate(long count, Duration period, long burst) {
    this(count, period, burst, LimitScope.CUSTOMER, StoreOutage.FAIL_OPEN);
  }

  /** {@code count} per {@code period}, no burst. */
  public static Rate of(long count, Duration period) {
    return new Rate(count, period, 0);
  }

  /** {@code count} per second, no burst. */
  public static Rate perSecond(long count) {
    return of(count, Duration.ofSeconds(1));
  }

  /** {@code count} per minute, no burst. */
  public static Rate perMinute(long count) {
    return of(count, Duration.ofMinutes(1));
  }

  /** A copy with {@code extra} burst. */
  public Rate withBurst(long extra) {
    return new Rate(count, period, extra, scope, onOutage);
  }

  /** A copy with another scope. */
  public Rate withScope(LimitScope newScope) {
    return new Rate(count, period, burst, newScope, onOutage);
  }

  /** A copy with another outage behaviour. */
  public Rate onOutage(StoreOutage mode) {
    return new Rate(count, period, burst, scope, mode);
  }

  /**
   * The GCRA emission interval T in nanoseconds, rounded up so that rounding never admits more
   * than the configured rate.
   */
  public long emissionIntervalNanos() {
    long p = period.toNanos();
    return (p + count - 1) / count;
  }
}
