package dev.monetize.limits;

import dev.monetize.limits.internal.Gcra;
import dev.monetize.limits.internal.PackedPolicies;
import dev.monetize.limits.internal.PackingLimiterStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-JVM {@link LimiterStore}. One small {@link LimiterCell} per state key (a GCRA theoretical
 * arrival time or a window's count). A call with one rate is lock-free: one compare-and-set.
 * Every other call locks the cells it needs in one global order (so two calls never deadlock),
 * checks everything, and charges all or nothing; a rate cell it holds is frozen meanwhile, so the
 * lock-free path cannot slip in between. There is no lock shared by unrelated keys and no I/O.
 *
 * <p>Idle cells are retired by {@link IdleCellSweep}, a slice at a time on the calls that find a
 * sweep due: a cell whose state has not affected a decision for a second is retired under its
 * lock, so a concurrent call that already holds it simply looks it up again.
 */
final class InMemoryLimiterStore implements LimiterStore, PackingLimiterStore,
    dev.monetize.limits.internal.RestorableQuotas {
  private final ConcurrentHashMap<String, LimiterCell> cells = new ConcurrentHashMap<>();
  /** The largest credit balance, in micro-units (2^53 - 1: exact in every store, Lua's doubles too). */
  static final long MAX_CREDITS = (1L << 53) - 1;
  /** Per credit balance: the entry ids applied to it, each with {delta, balance after}. Guarded by the balance's cell. */
  private final ConcurrentHashMap<String, java.util.Map<String, long[]>> creditEntries = new ConcurrentHashMap<>();
  private final AtomicLong order = new AtomicLong();
  /** Retires idle cells, a slice at a time, on the calls that find a sweep due. */
  private final IdleCellSweep sweep;

  /** A store with no state. */
  InMemoryLimiterStore() {
    this(System::nanoTime);
  }

  /** A store whose sweeps are timed by {@code sweepTimer} (a test's fake of {@link System#nanoTime}). */
  InMemoryLimiterStore(java.util.function.LongSupplier sweepTimer) {
    this.sweep = new IdleCellSweep(cells, sweepTimer);
  }

  @Override
  public LimitVerdict acquire(List<LimitRequest> requests, long now) {
    int n = requests.size();
    if (n == 0) {
      throw new IllegalArgumentException("at least one limit is required");
    }
    sweep.ifDue(now);
    if (n == 1) {
      LimitRequest only = requests.get(0);
      return only.policy() instanceof RatePolicy p ? acquireRate(requests, p, now) : acquireOne(only, now);
    }
    if (n == 2) {
      LimitVerdict v = withTwoCells(requests, now, CellCharges::checkThenCharge);
      if (v != null) {
        return v;
      }
    }
    return acquireSorted(requests, now);
  }

  /**
   * The same for rates and quotas, without a verdict when they admit: the engine's common path
   * (a rate alone, or a rate and a quota).
   */
  @Override
  public PackedPolicies acquirePacked(List<LimitRequest> requests, long now) {
    int n = requests.size();
    if (n == 1 && requests.get(0).policy() instanceof RatePolicy p) {
      sweep.ifDue(now);
      long result = tryRate(requests.get(0), p, now);
      return result >= 0 ? rateStates(requests, p, result, now)
          : PackedPolicies.refusedBy(rateRefusal(requests, p, result, now));
    }
    if (n == 2 && PackedPolicies.packsAll(requests)) {
      sweep.ifDue(now);
      PackedPolicies states = withTwoCells(requests, now, CellCharges::chargePacked);
      if (states != null) {
        return states;
      }
    }
    LimitVerdict v = acquire(requests, now); // any other shape: the general path, then packed
    return v.admitted() ? PackedPolicies.of(requests, v.policies(), v.exceeded()) : PackedPolicies.refusedBy(v);
  }

  /** Locks every cell in the global order, then checks and charges all or nothing. */
  private LimitVerdict acquireSorted(List<LimitRequest> requests, long now) {
    int n = requests.size();
    LimiterCell[] held = new LimiterCell[n];
    int[] lockOrder = new int[n];
    while (true) {
      for (int i = 0; i < n; i++) {
        held[i] = cell(requests.get(i));
        lockOrder[i] = i;
      }
      sortByOrder(held, lockOrder);
      LimitVerdict verdict = lockThenApply(requests, held, lockOrder, 0, now);
      if (verdict != null) {
        return verdict;
      }
    }
  }

  /**
   * Checks and charges one rate without a lock (see {@link LimiterCell}) and without allocating:
   * what a caller needs who only wants the answer.
   */
  @Override
  public boolean tryAcquire(LimitRequest request, long now) {
    if (!(request.policy() instanceof RatePolicy p)) {
      return acquire(List.of(request), now).admitted();
    }
    sweep.ifDue(now);
    return tryRate(request, p, now) >= 0;
  }

  /** {@link LimiterCell#tryRate} on the key's current cell, looked up again if it was retired. */
  private long tryRate(LimitRequest r, RatePolicy p, long now) {
    while (true) {
      long result = cell(r).tryRate(p.emissionNanos(), p.toleranceNanos(), r.cost(), now);
      if (result != LimiterCell.RETIRED) {
        return result;
      }
    }
  }

  /** One rate: the lock-free path, with the state the headers report. */
  private LimitVerdict acquireRate(List<LimitRequest> requests, RatePolicy p, long now) {
    long result = tryRate(requests.get(0), p, now);
    if (result >= 0) {
      return new LimitVerdict(true, rateStates(requests, p, result, now), 0);
    }
    return rateRefusal(requests, p, result, now);
  }

  /** The verdict of a rate {@link LimiterCell#tryRate} refused ({@code result}: {@code -1 - tat}). */
  private static LimitVerdict rateRefusal(List<LimitRequest> requests, RatePolicy p, long result, long now) {
    long tat = -1 - result;
    long t = p.emissionNanos();
    long tau = p.toleranceNanos();
    long retry = Gcra.retryAfter(tat, now, t, tau, requests.get(0).cost());
    return new LimitVerdict(false, List.of(new PolicyState(p.name(), p.quota(), p.windowSeconds(),
        Gcra.remaining(tat, now, t, tau), PolicyState.ceilSeconds(retry), true)), retry);
  }

  /** The state of a rate just charged to {@code tat}. */
  private static PackedPolicies rateStates(List<LimitRequest> requests, RatePolicy p, long tat, long now) {
    return PackedPolicies.ofOne(requests, Gcra.remaining(tat, now, p.emissionNanos(), p.toleranceNanos()),
        PolicyState.ceilSeconds(Gcra.reset(tat, now)));
  }

  /**
   * One limit other than a rate: one cell, one monitor, nothing to undo (every apply step changes
   * its cell only when it admits).
   */
  private LimitVerdict acquireOne(LimitRequest r, long now) {
    while (true) {
      LimiterCell c = cell(r);
      synchronized (c) {
        if (c.retired) {
          continue;
        }
        c.freeze();
        try {
          PolicyState s = CellCharges.apply(c, r, now);
          if (s.violated()) {
            return new LimitVerdict(false, List.of(s), CellCharges.retryAfterNanos(c, r, now));
          }
          return new LimitVerdict(true, List.of(s), 0, CellCharges.exceedsSoftQuota(c, r), Optional.empty());
        } finally {
          c.thaw();
        }
      }
    }
  }

  /** What to do with the two distinct cells of a call of two limits, both locked and frozen. */
  private interface TwoCells<T> {
    T apply(List<LimitRequest> requests, LimiterCell a, LimiterCell b, long now);
  }

  /**
   * Two limits (a rate and a quota, the common plan): two monitors in a fixed order, no arrays to
   * sort. Null when both limits are one cell (a key listed twice: the sorted path undoes).
   */
  private <T> T withTwoCells(List<LimitRequest> requests, long now, TwoCells<T> charge) {
    while (true) {
      LimiterCell a = cell(requests.get(0));
      LimiterCell b = cell(requests.get(1));
      if (a == b) {
        return null;
      }
      LimiterCell first = a.order < b.order ? a : b;
      LimiterCell second = first == a ? b : a;
      synchronized (first) {
        synchronized (second) {
          if (a.retired || b.retired) {
            continue;
          }
          a.freeze();
          b.freeze();
          try {
            return charge.apply(requests, a, b, now);
          } finally {
            a.thaw();
            b.thaw();
          }
        }
      }
    }
  }

  @Override
  public List<PolicyState> peek(List<LimitRequest> requests, long now) {
    PolicyState[] states = new PolicyState[requests.size()];
    for (int i = 0; i < states.length; i++) {
      LimitRequest r = requests.get(i);
      LimiterCell c = cells.get(r.key());
      PolicyState state = null;
      if (c != null) {
        ofKind(c, LimiterCell.kindOf(r.policy()), r.key());
        synchronized (c) {
          if (!c.retired) {
            c.freeze();
            try {
              state = CellCharges.describeUncharged(c, r.policy(), now);
            } finally {
              c.thaw();
            }
          }
        }
      }
      // a key never used, or retired as idle: the state of a fresh key
      states[i] = state != null ? state : CellCharges.describeUncharged(new LimiterCell(0, LimiterCell.kindOf(r.policy())), r.policy(), now);
    }
    return List.of(states);
  }

  /** Number of live cells (for tests and memory measurements). */
  int size() {
    return cells.size();
  }

  private LimiterCell cell(LimitRequest r) {
    byte kind = LimiterCell.kindOf(r.policy());
    LimiterCell c = cells.get(r.key());
    if (c == null) {
      c = cells.computeIfAbsent(r.key(), k -> newCell(kind));
    }
    return ofKind(c, kind, r.key());
  }

  /**
   * {@code c}, when it holds the state of the kind of limit asked for: a key holds one kind (the
   * cell's expiry follows from it), so a key used for two would mix a count with a balance.
   */
  private static LimiterCell ofKind(LimiterCell c, byte kind, String key) {
    if (c.kind != kind) {
      throw new IllegalArgumentException("limiter key '" + key + "' holds the state of a " + KINDS[c.kind]
          + ", not of a " + KINDS[kind] + ": give each limit a key of its own");
    }
    return c;
  }

  private static final String[] KINDS = {"rate", "quota", "concurrency limit", "credit balance"};

  private LimiterCell newCell(byte kind) {
    return new LimiterCell(order.incrementAndGet(), kind);
  }

  private static void sortByOrder(LimiterCell[] held, int[] idx) {
    for (int i = 1; i < idx.length; i++) {
      int v = idx[i];
      int j = i - 1;
      while (j >= 0 && held[idx[j]].order > held[v].order) {
        idx[j + 1] = idx[j];
        j--;
      }
      idx[j + 1] = v;
    }
  }

  private LimitVerdict lockThenApply(List<LimitRequest> requests, LimiterCell[] held, int[] lockOrder, int depth, long now) {
    if (depth == lockOrder.length) {
      return applyLocked(requests, held, now);
    }
    synchronized (held[lockOrder[depth]]) {
      return lockThenApply(requests, held, lockOrder, depth + 1, now);
    }
  }

  /** All cells are locked. Returns null when a cell was retired meanwhile (the caller retries). */
  private static LimitVerdict applyLocked(List<LimitRequest> requests, LimiterCell[] held, long now) {
    for (LimiterCell c : held) {
      if (c.retired) {
        return null;
      }
    }
    for (LimiterCell c : held) {
      c.freeze();
    }
    try {
      return hasDuplicates(held) ? CellCharges.applyWithUndo(requests, held, now) : CellCharges.checkThenCharge(requests, held, now);
    } finally {
      for (LimiterCell c : held) {
        c.thaw();
      }
    }
  }

  private static boolean hasDuplicates(LimiterCell[] held) {
    for (int i = 1; i < held.length; i++) {
      for (int j = 0; j < i; j++) {
        if (held[i] == held[j]) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public void release(List<LimitRequest> requests, LimitVerdict verdict) {
    if (!verdict.admitted()) {
      return;
    }
    for (LimitRequest r : requests) {
      if (r.policy() instanceof ConcurrencyPolicy) {
        LimiterCell c = cells.get(r.key());
        if (c != null && c.kind == LimiterCell.CONCURRENCY) { // another kind was refused when acquired
          synchronized (c) {
            if (c.value > 0) {
              c.value--; // none left in flight: the cell may be retired
            }
          }
        }
      }
    }
  }

  @Override
  public void restore(LimitRequest quota, long units, long now) {
    if (!(quota.policy() instanceof QuotaPolicy p)) {
      throw new IllegalArgumentException("only a quota is restored, not " + quota.policy());
    }
    if (units < 0) {
      throw new IllegalArgumentException("units restored must be at least 0, got " + units);
    }
    long end = p.windowEnd(now);
    while (true) {
      LimiterCell c = cell(quota);
      synchronized (c) {
        if (c.retired) {
          continue; // the sweep retired it meanwhile: look the key up again
        }
        if (c.windowEnd > end) {
          return; // a later call moved the cell on to the next window: these units belong to one that ended
        }
        if (now >= c.windowEnd) { // a new cell, or one whose window ended: the window that holds now
          c.windowEnd = end;
          c.value = 0;
        }
        c.value = c.value > Long.MAX_VALUE - units ? Long.MAX_VALUE : c.value + units;
        return;
      }
    }
  }

  @Override
  public CreditEntry applyCredits(String key, String entryId, long delta) {
    while (true) {
      LimiterCell c = cells.get(key);
      if (c == null) {
        c = cells.computeIfAbsent(key, k -> newCell(LimiterCell.CREDITS));
      }
      ofKind(c, LimiterCell.CREDITS, key);
      synchronized (c) {
        if (c.retired) {
          continue;
        }
        java.util.Map<String, long[]> applied = creditEntries.computeIfAbsent(key, k -> new java.util.HashMap<>());
        long[] earlier = applied.get(entryId);
        if (earlier != null) {
          return new CreditEntry(CreditEntry.Outcome.REPEATED, earlier[0], earlier[1]);
        }
        long after = c.value + delta;
        if (((c.value ^ after) & (delta ^ after)) < 0 || after > MAX_CREDITS) {
          throw new IllegalArgumentException("a credit balance is at most " + MAX_CREDITS + " micro-units");
        }
        if (after < 0) {
          return new CreditEntry(CreditEntry.Outcome.INSUFFICIENT, delta, c.value);
        }
        c.value = after;
        applied.put(entryId, new long[] {delta, after});
        return new CreditEntry(CreditEntry.Outcome.APPLIED, delta, after);
      }
    }
  }

  @Override
  public long credits(String key) {
    LimiterCell c = cells.get(key);
    if (c == null) {
      return 0;
    }
    ofKind(c, LimiterCell.CREDITS, key);
    synchronized (c) {
      return c.value; // a balance's cell never expires, so it is never retired
    }
  }

  /** Test hook: sweep now, a whole pass of its own (one under way starts again). */
  void sweepNow(long now) {
    sweep.now(now);
  }

  /** Visible for the contract tests: the raw count of a quota key, or -1. */
  long rawValue(String key) {
    LimiterCell c = cells.get(key);
    if (c == null) {
      return -1;
    }
    synchronized (c) {
      if (c.retired) {
        return -1;
      }
      c.freeze();
      try {
        return c.value;
      } finally {
        c.thaw();
      }
    }
  }
}
