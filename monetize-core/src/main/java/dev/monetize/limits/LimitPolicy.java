package dev.monetize.limits;

/**
 * One limit as the limiter store enforces it: a GCRA rate ({@link RatePolicy}) or a calendar
 * quota ({@link QuotaPolicy}). Its name, quota and window are what {@code RateLimit-Policy}
 * announces.
 */
public sealed interface LimitPolicy permits RatePolicy, QuotaPolicy {
  /** The policy name, e.g. {@code rate} or {@code daily}. */
  String name();

  /** The {@code q} parameter: units per window. */
  long quota();

  /** The {@code w} parameter: the window in whole seconds (at least 1). */
  long windowSeconds();
}
