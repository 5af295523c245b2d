package dev.monetize.limits;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Retires the idle cells of an {@link InMemoryLimiterStore}. A pass over the cells starts once a
 * second of the callers' clock (less often where a pass over many keys takes long: at most 1% of
 * one core) and runs on the threads of the calls that find it due (no thread of its own: a store
 * nobody calls keeps what it holds until the next call), {@value #SWEEP_SLICE} cells per call (more
 * for a call that comes late), so no call waits for a pass over a million keys. A cell is retired
 * under its lock when {@link LimiterCell#retireIfIdle} says its state no longer matters.
 */
final class IdleCellSweep {
  /**
   * How often idle cells are retired, by the callers' clock: a sweep walks every cell, so it runs
   * once per interval whatever the call rate (a call only compares its time with the next sweep's).
   */
  static final long SWEEP_INTERVAL_NANOS = 1_000_000_000L;
  /**
   * Cells looked at by one call that sweeps (about a third of a millisecond): a pass over many keys
   * is spread over calls, so no request waits for the whole of it.
   */
  static final int SWEEP_SLICE = 4_096;

  private final ConcurrentHashMap<String, LimiterCell> cells;
  private final AtomicBoolean sweeping = new AtomicBoolean();
  /**
   * The callers' clock (epoch nanoseconds) from which the next sweep is due, and before which it
   * is due too (a clock set back by more than an interval from the last sweep's time). Both are
   * written under {@link #sweeping} and read without a lock: a stale pair only sends a caller to
   * {@link #sweep}, which reads them again under it.
   */
  private volatile long sweepDueFrom = Long.MIN_VALUE;
  private volatile long sweepDueBefore = Long.MIN_VALUE;
  /** What a sweep's duration is read from (real time, not the callers' clock). */
  private final LongSupplier sweepTimer;
  /** The pass under way (guarded by {@link #sweeping}); null between passes. */
  private Iterator<Map.Entry<String, LimiterCell>> sweepCursor;
  /** The time the slices of the pass under way took so far (guarded by {@link #sweeping}). */
  private long passNanos;
  /** The callers' clock when the pass under way (or the last one) started (guarded by {@link #sweeping}). */
  private long passStartedAt;
  /** The wait before the sweep now due, as it was scheduled (guarded by {@link #sweeping}). */
  private long sweepGap;

  /** Sweeps {@code cells}, timing each slice with {@code sweepTimer} (real time: {@link System#nanoTime}). */
  IdleCellSweep(ConcurrentHashMap<String, LimiterCell> cells, LongSupplier sweepTimer) {
    this.cells = cells;
    this.sweepTimer = sweepTimer;
  }

  /** Sweeps a slice when one is due at {@code now}: two volatile reads on every call, nothing more. */
  void ifDue(long now) {
    if (due(now)) {
      sweep(now, true, false);
    }
  }

  /** A whole pass of its own at {@code now} (one under way starts again): the store's test hook. */
  void now(long now) {
    sweep(now, false, true);
  }

  private boolean due(long now) {
    return now >= sweepDueFrom || now < sweepDueBefore;
  }

  /**
   * Sweeps one slice of the cells unless another thread sweeps, or (with {@code onlyIfDue})
   * another has just done it; {@code whole}: a whole pass at once. Then schedules
   * the next slice, or the next pass once this one is through.
   */
  private void sweep(long now, boolean onlyIfDue, boolean whole) {
    if (!sweeping.compareAndSet(false, true)) {
      return;
    }
    try {
      if (onlyIfDue && !due(now)) {
        return;
      }
      if (sweepCursor == null || whole) {
        sweepCursor = cells.entrySet().iterator(); // weakly consistent: cells made meanwhile wait for the next pass
        passStartedAt = now;
        passNanos = 0;
      }
      long started = sweepTimer.getAsLong();
      retireIdle(now, whole ? Integer.MAX_VALUE : sliceAt(now));
      long took = Math.max(0, sweepTimer.getAsLong() - started);
      passNanos = took > Long.MAX_VALUE - passNanos ? Long.MAX_VALUE : passNanos + took;
      // at most 1% of one core however many keys: a slice that took 1 ms waits 100 ms for the next,
      // and a pass whose slices took 80 ms in all (a million cells) starts 8 s after the last one did
      long dueFrom;
      if (sweepCursor.hasNext()) {
        sweepGap = hundredTimes(took);
        dueFrom = plus(now, sweepGap);
      } else {
        sweepCursor = null;
        sweepGap = Math.max(SWEEP_INTERVAL_NANOS, hundredTimes(passNanos));
        dueFrom = Math.max(now, plus(passStartedAt, sweepGap));
      }
      sweepDueFrom = dueFrom;
      sweepDueBefore = now < Long.MIN_VALUE + SWEEP_INTERVAL_NANOS ? Long.MIN_VALUE : now - SWEEP_INTERVAL_NANOS;
    } finally {
      sweeping.set(false);
    }
  }

  /**
   * How many cells the slice at {@code now} looks at: {@link #SWEEP_SLICE}, and as many more slices'
   * worth as the gap before it fits into how late the call comes (up to 64), so that sparse calls
   * still get through a pass about as fast as the schedule meant.
   */
  private int sliceAt(long now) {
    long late = now - sweepDueFrom; // negative when a clock that went back made the sweep due
    if (late <= 0 || sweepGap <= 0) {
      return SWEEP_SLICE;
    }
    long slices = 1 + late / sweepGap;
    return (int) Math.min(64, slices) * SWEEP_SLICE;
  }

  private static long plus(long time, long nanos) {
    return time > Long.MAX_VALUE - nanos ? Long.MAX_VALUE : time + nanos;
  }

  private static long hundredTimes(long nanos) {
    return nanos > Long.MAX_VALUE / 100 ? Long.MAX_VALUE : 100 * nanos;
  }

  /** Retires the cells idle at {@code now} among the next {@code most} of the pass; {@link #sweeping} held. */
  private void retireIdle(long now, int most) {
    Iterator<Map.Entry<String, LimiterCell>> cursor = sweepCursor;
    for (int i = 0; i < most && cursor.hasNext(); i++) {
      Map.Entry<String, LimiterCell> e = cursor.next();
      LimiterCell c = e.getValue();
      synchronized (c) {
        if (!c.retired && c.retireIfIdle(now)) {
          cells.remove(e.getKey(), c);
        }
      }
    }
  }
}
