package dev.monetize.redis;

import dev.monetize.limits.QuotaPolicy;
import java.nio.charset.StandardCharsets;

/**
 * A quota's previous, current and next window around the caller's clock, valid while
 * {@code from <= now < until}: their 4 boundaries in epoch seconds as the script wants them
 * (calendar windows start on a second). Immutable, so a reference to one can be shared between
 * threads without a lock.
 */
final class QuotaWindows {
  final long from;
  final long until;
  final byte[][] bounds = new byte[4][];

  private QuotaWindows(long from, long until, long... boundaries) {
    this.from = from;
    this.until = until;
    for (int i = 0; i < 4; i++) {
      if (Math.floorMod(boundaries[i], 1_000_000_000L) != 0) {
        throw new IllegalStateException("a quota window must start on a whole second, got " + boundaries[i] + " ns");
      }
      bounds[i] = Long.toString(Math.floorDiv(boundaries[i], 1_000_000_000L)).getBytes(StandardCharsets.US_ASCII);
    }
  }

  /** The windows of {@code q} around {@code now} (epoch nanoseconds): calendar arithmetic, done once per window. */
  static QuotaWindows around(QuotaPolicy q, long now) {
    long start = q.windowStart(now);
    long end = q.windowEnd(now);
    return new QuotaWindows(start, end, q.windowStart(start - 1), start, end, q.windowEnd(end));
  }

  /** Whether these are still the windows around {@code now}. */
  boolean holds(long now) {
    return now >= from && now < until;
  }
}
