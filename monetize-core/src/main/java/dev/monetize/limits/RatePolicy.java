package dev.monetize.limits;

import dev.monetize.plans.Rate;
import java.util.Objects;

/**
 * A rate with burst enforced by GCRA. Announced as {@code q=count; w=period}; the remaining
 * count it reports is the number of requests that would be admitted right now, capped at
 * {@code count} (a burst larger than the count admits more at once than is announced).
 *
 * <p>A value class (equal when name and rate are equal) rather than a record only so that the
 * GCRA constants are computed once, not on every check.
 */
public final class RatePolicy implements LimitPolicy {
  private final String name;
  private final Rate rate;
  private final long emissionNanos;
  private final long toleranceNanos;
  private final long windowSeconds;

  /**
   * A rate policy.
   *
   * @param name policy name
   * @param rate the rate
   */
  public RatePolicy(String name, Rate rate) {
    this.name = Objects.requireNonNull(name, "name");
    this.rate = Objects.requireNonNull(rate, "rate");
    this.emissionNanos = rate.emissionIntervalNanos();
    this.toleranceNanos = Math.multiplyExact(emissionNanos, rate.burst() + 1);
    this.windowSeconds = Math.max(1, (rate.period().toMillis() + 999) / 1000);
  }

  @Override
  public String name() {
    return name;
  }

  /** The rate. */
  public Rate rate() {
    return rate;
  }

  @Override
  public long quota() {
    return rate.count();
  }

  @Override
  public long windowSeconds() {
    return windowSeconds;
  }

  /** GCRA emission interval T, ns. */
  public long emissionNanos() {
    return emissionNanos;
  }

  /** GCRA delay tolerance tau = T * (burst + 1), ns. */
  public long toleranceNanos() {
    return toleranceNanos;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RatePolicy p && p.name.equals(name) && p.rate.equals(rate);
  }

  @Override
  public int hashCode() {
    return 31 * name.hashCode() + rate.hashCode();
  }

  @Override
  public String toString() {
    return "RatePolicy[name=" + name + ", rate=" + rate + "]";
  }
}
