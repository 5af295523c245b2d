package dev.monetize.limits;

/**
 * The state of one policy after a check: what {@code RateLimit-Policy} and {@code RateLimit}
 * report for it.
 *
 * @param name policy name
 * @param quota {@code q}: units per window
 * @param windowSeconds {@code w}: window in seconds
 * @param remaining {@code r}: units left now
 * @param resetSeconds {@code t}: seconds until the quota is restored (for a violated policy, until
 *     the request could pass)
 * @param violated whether this policy refused the request
 */
public record PolicyState(
    String name, long quota, long windowSeconds, long remaining, long resetSeconds, boolean violated) {

  /** Whole seconds, rounded up, from nanoseconds (never negative). */
  public static long ceilSeconds(long nanos) {
    if (nanos <= 0) {
      return 0;
    }
    return (nanos + 999_999_999L) / 1_000_000_000L;
  }
}
