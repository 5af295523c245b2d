package dev.monetize.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Lets a log line through at most once per period and counts the ones it held back, for failures
 * that repeat on every call (a full disk, a store down, a bug a client can trigger at will): the log
 * says it, how often, and never floods. Lock-free; the first one is always let through.
 *
 * <pre>{@code
 * if (throttle.due()) {
 *   LOG.error("... ({} more since; said once every 10 s)", throttle.heldBack(), e);
 * }
 * }</pre>
 */
public final class LogThrottle {
  private final long periodNanos;
  private final AtomicLong last;
  private final LongAdder held = new LongAdder();

  /** A throttle letting one line through per {@code period}. */
  public LogThrottle(Duration period) {
    this.periodNanos = period.toNanos();
    this.last = new AtomicLong(System.nanoTime() - periodNanos);
  }

  /** Whether to log now (at most one caller per period is told so); otherwise the line is counted as held back. */
  public boolean due() {
    long now = System.nanoTime();
    long at = last.get();
    if (now - at >= periodNanos && last.compareAndSet(at, now)) {
      return true;
    }
    held.increment();
    return false;
  }

  /** How many lines were held back since this was last asked, and starts counting again. */
  public long heldBack() {
    return held.sumThenReset();
  }
}
