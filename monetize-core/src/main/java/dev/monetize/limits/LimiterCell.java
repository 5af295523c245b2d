package dev.monetize.limits;

import dev.monetize.limits.internal.Gcra;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The mutable state of one limiter key in {@link InMemoryLimiterStore}.
 *
 * <p>Two ways in, and they stay exact beside each other:
 * <ul>
 *   <li><b>Under the cell's monitor</b> (every call with several limits, quotas, concurrency,
 *       credits, peeks and the sweep): the holder reads and writes the plain fields. A rate cell's
 *       state lives in {@link #tat} while nobody holds it, so the holder first {@link #freeze()}s
 *       it: one atomic swap moves the state into {@link #value} and leaves {@link #FROZEN} behind,
 *       and {@link #thaw()} puts the result back before the monitor is released. All or nothing
 *       over several cells therefore still holds: no lock-free call can change a frozen cell.</li>
 *   <li><b>Lock-free</b> ({@link #tryRate}), for a request whose only limit is a rate: one read and
 *       one compare-and-set of the theoretical arrival time. A caller that finds the cell frozen
 *       spins briefly, then waits on the monitor (its holder thaws before it lets go) and tries
 *       again; a cell the sweep retired stays frozen for ever, so the caller looks it up anew.</li>
 * </ul>
 * A key holds the state of one kind of policy: the engine names keys after their policy.
 */
final class LimiterCell {
  /** What {@link #tat} holds while a monitor holder owns the state, or for ever once retired. */
  static final long FROZEN = Long.MIN_VALUE;
  /** {@link #tryRate} on a retired cell: look the key up again. */
  static final long RETIRED = Long.MIN_VALUE;

  private static final VarHandle TAT;
  private static final int SPINS = 64;

  static {
    try {
      TAT = MethodHandles.lookup().findVarHandle(LimiterCell.class, "tat", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** A rate's cell: its state is kept in {@link #tat} outside the monitor. */
  static final byte RATE = 0;
  /** A quota's cell. */
  static final byte QUOTA = 1;
  /** A concurrency limit's cell: {@link #value} is the number of requests in flight. */
  static final byte CONCURRENCY = 2;
  /** A credit balance's cell. */
  static final byte CREDITS = 3;

  /** Lock order: cells are always locked in increasing order, so two calls never deadlock. */
  final long order;
  /**
   * Which kind of policy the key holds ({@link #RATE}, {@link #QUOTA}, {@link #CONCURRENCY},
   * {@link #CREDITS}): when its state stops mattering follows from it ({@link #expiresAt()}), so a
   * cell keeps no expiry of its own.
   */
  final byte kind;
  // guarded by the monitor
  long value; // GCRA: theoretical arrival time (frozen copy); quota: units used in the window; credits: balance
  long windowEnd; // quota: end of the current window
  boolean retired;
  private boolean frozen;
  /** A rate cell's theoretical arrival time when not {@link #FROZEN}; accessed through {@link #TAT}. */
  @SuppressWarnings("unused")
  private volatile long tat;

  LimiterCell(long order, byte kind) {
    this.order = order;
    this.kind = kind;
  }

  /** The kind of cell that holds the state of {@code policy}. */
  static byte kindOf(LimitPolicy policy) {
    if (policy instanceof RatePolicy) {
      return RATE;
    }
    if (policy instanceof QuotaPolicy) {
      return QUOTA;
    }
    return policy instanceof ConcurrencyPolicy ? CONCURRENCY : CREDITS;
  }

  /**
   * Monitor held, frozen: when the state stops mattering. A rate: its theoretical arrival time (the
   * bucket is full again); a quota: the end of its window (0 for one never charged); requests in
   * flight: never while there are any; a balance: never (balances are money).
   */
  long expiresAt() {
    return switch (kind) {
      case RATE -> value;
      case QUOTA -> windowEnd;
      case CONCURRENCY -> value == 0 ? 0 : Long.MAX_VALUE;
      default -> Long.MAX_VALUE;
    };
  }

  /** Whether a lost compare-and-set parks for a moment ({@link #tryRate}): not where that takes milliseconds. */
  private static final boolean STEP_ASIDE = !System.getProperty("os.name", "").startsWith("Windows");

  /**
   * Lock-free GCRA for a rate cell: charges {@code cost} units if they are admitted now.
   *
   * @return the new theoretical arrival time (never negative) when admitted; {@code -1 - tat}
   *     with the observed arrival time when refused; {@link #RETIRED} when the cell was retired
   */
  long tryRate(long emission, long tolerance, long cost, long now) {
    int spins = 0;
    while (true) {
      long t = (long) TAT.getVolatile(this);
      if (t == FROZEN) {
        if (++spins < SPINS) {
          Thread.onSpinWait();
          continue;
        }
        synchronized (this) { // the holder thaws before it releases the monitor
          if (retired) {
            return RETIRED;
          }
        }
        spins = 0;
        continue;
      }
      long next = Gcra.newTat(t, now, emission, cost);
      if (now < next - tolerance) {
        return -1 - t;
      }
      if (TAT.compareAndSet(this, t, next)) {
        return next;
      }
      // Lost the race: another thread charged this key (or a call of several limits froze or thawed
      // the cell) between the read and the exchange. Retrying at once makes the cell's cache line
      // travel between the cores on every attempt of both threads (two threads on one key: 55-140
      // ns a call, in two groups with the cores' placement); stepping aside for the shortest timed
      // park lets the winner run on alone (65-71 ns, median 60, p99 91 ns instead of 190 and 500),
      // at the price of that one call: the park lasts the timer slack, about 50 us on Linux (p99.9
      // 70-75 us in a loop that does nothing else). Where a short park lasts a millisecond or more
      // (Windows), it spins.
      if (STEP_ASIDE) {
        java.util.concurrent.locks.LockSupport.parkNanos(1);
      } else {
        Thread.onSpinWait();
      }
    }
  }

  /** Monitor held: takes a rate cell's state out of reach of {@link #tryRate} into {@link #value}. */
  void freeze() {
    if (kind == RATE && !frozen) {
      value = (long) TAT.getAndSet(this, FROZEN);
      frozen = true;
    }
  }

  /**
   * Monitor held: publishes {@link #value} back to {@link #tryRate}. A retired cell stays frozen
   * for ever, so that a lock-free caller still holding it looks the key up again.
   */
  void thaw() {
    if (frozen && !retired) {
      frozen = false;
      TAT.setVolatile(this, value);
    }
  }

  /**
   * How long a cell's state must have stopped mattering before the sweep retires it: a key in
   * steady use (a rate whose bucket refills to full between calls) is not retired and made again
   * on every sweep.
   */
  static final long IDLE_NANOS = 1_000_000_000L;

  /**
   * Monitor held, not retired: retires the cell when its state has not mattered for
   * {@link #IDLE_NANOS} at {@code now}. A rate cell in use is left without being frozen: the
   * lock-free callers racing for it never wait for the sweep.
   */
  boolean retireIfIdle(long now) {
    long idleSince = now < Long.MIN_VALUE + IDLE_NANOS ? Long.MIN_VALUE : now - IDLE_NANOS;
    if (kind == RATE && !frozen && (long) TAT.getVolatile(this) > idleSince) {
      return false;
    }
    freeze();
    if (expiresAt() > idleSince) {
      thaw();
      return false;
    }
    retired = true; // a rate cell stays frozen: lock-free callers find out and look the key up again
    return true;
  }
}
