package dev.monetize.limits;

/**
 * The state of one policy after a check: what {@code RateLimit-Policy} and {@code RateLimit}
 * report for it.
 *
 * @param name policy name
 * @param quota {@code q}: units per window
 * @param windowSeconds {@code w}: window in seconds
 * @param remaining {@code r}: units left now, never more than {@code quota} when a quota is
 *     announced (a rate whose burst is larger than its count admits more at once than it announces;
 *     the header never promises more than the policy it names)
 * @param resetSeconds {@code t}: seconds until the quota is restored (for a violated policy, until
 *     the request could pass)
 * @param violated whether this policy refused the request
 * @param unit the {@code qu} parameter: {@code requests}, {@code concurrent-requests} or {@code credits}
 */
public record PolicyState(
    String name, long quota, long windowSeconds, long remaining, long resetSeconds, boolean violated, String unit) {
  /** Caps {@code remaining} at an announced quota. */
  public PolicyState {
    if (quota > 0 && remaining > quota && !"credits".equals(unit)) {
      remaining = quota;
    }
  }

  /** A state counted in requests. */
  public PolicyState(String name, long quota, long windowSeconds, long remaining, long resetSeconds, boolean violated) {
    this(name, quota, windowSeconds, remaining, resetSeconds, violated, "requests");
  }

  /** Whether the {@code RateLimit} fields announce it (credits are not). */
  public boolean announced() {
    return !"credits".equals(unit);
  }

  /** Whole seconds, rounded up, from nanoseconds (never negative). */
  public static long ceilSeconds(long nanos) {
    if (nanos <= 0) {
      return 0;
    }
    return (nanos + 999_999_999L) / 1_000_000_000L;
  }
}
