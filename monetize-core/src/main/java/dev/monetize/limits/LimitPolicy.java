package dev.monetize.limits;

/**
 * One limit as the limiter store enforces it: a GCRA rate ({@link RatePolicy}), a calendar
 * quota ({@link QuotaPolicy}), a limit on requests in flight ({@link ConcurrencyPolicy}) or a
 * prepaid balance ({@link CreditPolicy}). Its name, quota and window are what {@code RateLimit-Policy}
 * announces.
 */
public sealed interface LimitPolicy permits RatePolicy, QuotaPolicy, ConcurrencyPolicy, CreditPolicy {
  /** The policy name, e.g. {@code rate} or {@code daily}. */
  String name();

  /** The {@code q} parameter: units per window. */
  long quota();

  /** The {@code w} parameter: the window in whole seconds (at least 1). */
  long windowSeconds();

  /** The {@code qu} parameter: {@code requests}, {@code concurrent-requests}, or {@code credits}. */
  default String unit() {
    return "requests";
  }

  /** Whether the {@code RateLimit} fields announce this policy (credits have no window). */
  default boolean announced() {
    return !(this instanceof CreditPolicy);
  }
}
