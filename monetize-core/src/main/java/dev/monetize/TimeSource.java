package dev.monetize;

import java.time.Instant;

/**
 * The clock every time-dependent decision reads: epoch time in nanoseconds. Inject
 * {@link ManualTimeSource} in tests to control time; use {@link #system()} in production.
 */
@FunctionalInterface
public interface TimeSource {
  /** Nanoseconds since 1970-01-01T00:00:00Z. */
  long epochNanos();

  /** The current time as an {@link Instant}. */
  default Instant now() {
    long n = epochNanos();
    return Instant.ofEpochSecond(Math.floorDiv(n, 1_000_000_000L), Math.floorMod(n, 1_000_000_000L));
  }

  /** {@code t} as {@link #epochNanos()} counts time (exact: throws past the year 2262). */
  static long epochNanos(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
  }

  /**
   * The system clock: wall time read once at start, advanced by {@link System#nanoTime()}, so it
   * never goes backwards and costs no allocation per read.
   */
  static TimeSource system() {
    Instant start = Instant.now();
    long base = start.getEpochSecond() * 1_000_000_000L + start.getNano();
    long origin = System.nanoTime();
    return () -> base + (System.nanoTime() - origin);
  }
}
