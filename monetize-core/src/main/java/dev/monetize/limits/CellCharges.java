package dev.monetize.limits;

import dev.monetize.limits.internal.Gcra;
import dev.monetize.limits.internal.PackedPolicies;
import java.util.List;
import java.util.Optional;

/**
 * What each kind of limit does to its {@link LimiterCell}, for {@link InMemoryLimiterStore}: check
 * without charging, charge, describe, and the all-or-nothing charge of several cells. Every method
 * runs with the cells' monitors held and rate cells frozen (or on a fresh cell no other thread
 * sees); none of them locks anything.
 */
final class CellCharges {
  private CellCharges() {}

  /** {@link #checkThenCharge(List, LimiterCell[], long)} for two distinct cells. */
  static LimitVerdict checkThenCharge(List<LimitRequest> requests, LimiterCell a, LimiterCell b, long now) {
    LimitRequest ra = requests.get(0);
    LimitRequest rb = requests.get(1);
    boolean refusesA = refuses(a, ra, now);
    boolean refusesB = refuses(b, rb, now);
    if (!refusesA && !refusesB) {
      if (PackedPolicies.packs(ra.policy()) && PackedPolicies.packs(rb.policy())) { // a rate and a quota: no objects
        PackedPolicies states = charged(requests, a, b, now);
        return new LimitVerdict(true, states, 0, states.exceeded(), Optional.empty());
      }
      PolicyState sa = apply(a, ra, now);
      PolicyState sb = apply(b, rb, now);
      boolean exceeded = exceedsSoftQuota(a, ra) | exceedsSoftQuota(b, rb);
      return new LimitVerdict(true, List.of(sa, sb), 0, exceeded, Optional.empty());
    }
    long retryAfter = 0;
    PolicyState sa;
    PolicyState sb;
    if (refusesA) {
      sa = apply(a, ra, now);
      retryAfter = retryAfterNanos(a, ra, now);
    } else {
      sa = describeUncharged(a, ra.policy(), now);
    }
    if (refusesB) {
      sb = apply(b, rb, now);
      retryAfter = Math.max(retryAfter, retryAfterNanos(b, rb, now));
    } else {
      sb = describeUncharged(b, rb.policy(), now);
    }
    return new LimitVerdict(false, List.of(sa, sb), retryAfter);
  }

  /**
   * Two rates or quotas on distinct cells: both charged, their states packed; or the refusal's
   * verdict ({@link PackedPolicies#refusedBy}), neither cell changed.
   */
  static PackedPolicies chargePacked(List<LimitRequest> requests, LimiterCell a, LimiterCell b, long now) {
    if (refuses(a, requests.get(0), now) || refuses(b, requests.get(1), now)) {
      return PackedPolicies.refusedBy(checkThenCharge(requests, a, b, now)); // refuses again: charges nothing
    }
    return charged(requests, a, b, now);
  }

  /** Charges two rates or quotas that admit (checked by the caller). */
  private static PackedPolicies charged(List<LimitRequest> requests, LimiterCell a, LimiterCell b, long now) {
    LimitRequest ra = requests.get(0);
    LimitRequest rb = requests.get(1);
    charge(a, ra, now);
    charge(b, rb, now);
    return PackedPolicies.ofTwo(requests, remaining(a, ra, now), resetSeconds(a, ra, now), remaining(b, rb, now),
        resetSeconds(b, rb, now), exceedsSoftQuota(a, ra) | exceedsSoftQuota(b, rb));
  }

  /** Distinct cells: check every limit without changing anything, then charge all or none. */
  static LimitVerdict checkThenCharge(List<LimitRequest> requests, LimiterCell[] held, long now) {
    int n = held.length;
    boolean admitted = true;
    for (int i = 0; i < n && admitted; i++) {
      admitted = !refuses(held[i], requests.get(i), now);
    }
    if (admitted && PackedPolicies.packsAll(requests)) {
      long[] packed = new long[2 * n];
      boolean exceeded = false;
      for (int i = 0; i < n; i++) {
        LimiterCell c = held[i];
        LimitRequest r = requests.get(i);
        charge(c, r, now);
        packed[2 * i] = remaining(c, r, now);
        packed[2 * i + 1] = resetSeconds(c, r, now);
        exceeded |= exceedsSoftQuota(c, r);
      }
      return new LimitVerdict(true, new PackedPolicies(requests, packed, exceeded), 0, exceeded, Optional.empty());
    }
    PolicyState[] states = new PolicyState[n];
    if (admitted) {
      boolean exceeded = false;
      for (int i = 0; i < n; i++) {
        states[i] = apply(held[i], requests.get(i), now);
        exceeded |= exceedsSoftQuota(held[i], requests.get(i));
      }
      return new LimitVerdict(true, listOf(states), 0, exceeded, Optional.empty());
    }
    long retryAfter = 0;
    for (int i = 0; i < n; i++) {
      LimitRequest r = requests.get(i);
      if (refuses(held[i], r, now)) {
        states[i] = apply(held[i], r, now); // refuses, so changes nothing that counts
        retryAfter = Math.max(retryAfter, retryAfterNanos(held[i], r, now));
      } else {
        states[i] = describeUncharged(held[i], r.policy(), now);
      }
    }
    return new LimitVerdict(false, listOf(states), retryAfter);
  }

  /** Charges a rate or quota that admits {@code r} (checked by the caller). */
  static void charge(LimiterCell c, LimitRequest r, long now) {
    if (r.policy() instanceof RatePolicy p) {
      long tat = Gcra.newTat(c.value, now, p.emissionNanos(), r.cost());
      c.value = tat;
      return;
    }
    QuotaPolicy q = (QuotaPolicy) r.policy();
    rollWindow(c, q, now);
    c.value += r.cost();
  }

  /** Units a rate or quota has left once charged ({@link #charge}). */
  private static long remaining(LimiterCell c, LimitRequest r, long now) {
    if (r.policy() instanceof RatePolicy p) {
      return Gcra.remaining(c.value, now, p.emissionNanos(), p.toleranceNanos());
    }
    return Math.max(0, ((QuotaPolicy) r.policy()).limit() - c.value);
  }

  /** Seconds until a rate or quota, once charged, is back to full (a rate) or its window ends (a quota). */
  private static long resetSeconds(LimiterCell c, LimitRequest r, long now) {
    return PolicyState.ceilSeconds(r.policy() instanceof RatePolicy ? Gcra.reset(c.value, now) : c.windowEnd - now);
  }

  /** Starts the quota's next window once its current one has ended. */
  private static void rollWindow(LimiterCell c, QuotaPolicy p, long now) {
    if (now >= c.windowEnd) {
      c.windowEnd = p.windowEnd(now);
      c.value = 0;
    }
  }

  private static List<PolicyState> listOf(PolicyState[] states) {
    return states.length == 2 ? List.of(states[0], states[1]) : List.of(states);
  }

  /** Whether {@code r} would be refused now, without changing the cell. */
  private static boolean refuses(LimiterCell c, LimitRequest r, long now) {
    LimitPolicy policy = r.policy();
    if (policy instanceof RatePolicy p) {
      return !Gcra.admits(c.value, now, p.emissionNanos(), p.toleranceNanos(), r.cost());
    }
    if (policy instanceof QuotaPolicy q) {
      long used = now >= c.windowEnd ? 0 : c.value;
      return !r.soft() && used + r.cost() > q.limit();
    }
    if (policy instanceof ConcurrencyPolicy p) {
      return c.value + 1 > p.limit();
    }
    return c.value < r.cost();
  }

  static PolicyState apply(LimiterCell c, LimitRequest r, long now) {
    LimitPolicy policy = r.policy();
    if (policy instanceof RatePolicy rate) {
      return applyRate(c, r, rate, now);
    }
    if (policy instanceof QuotaPolicy quota) {
      return applyQuota(c, r, quota, now);
    }
    if (policy instanceof ConcurrencyPolicy concurrency) {
      return applyConcurrency(c, concurrency);
    }
    return applyCredits(c, (CreditPolicy) policy, r.cost());
  }

  static boolean exceedsSoftQuota(LimiterCell c, LimitRequest r) {
    return r.soft() && r.policy() instanceof QuotaPolicy q && c.value > q.limit();
  }

  /** A key listed twice in one call: apply in order and undo everything on refusal. */
  static LimitVerdict applyWithUndo(List<LimitRequest> requests, LimiterCell[] held, long now) {
    int n = held.length;
    long[] savedValue = new long[n];
    long[] savedWindowEnd = new long[n];
    boolean admitted = true;
    boolean exceeded = false;
    long retryAfter = 0;
    PolicyState[] states = new PolicyState[n];
    for (int i = 0; i < n; i++) {
      LimiterCell c = held[i];
      LimitRequest r = requests.get(i);
      savedValue[i] = c.value;
      savedWindowEnd[i] = c.windowEnd;
      PolicyState s = apply(c, r, now);
      exceeded |= exceedsSoftQuota(c, r);
      if (s.violated()) {
        admitted = false;
        retryAfter = Math.max(retryAfter, retryAfterNanos(c, r, now));
      }
      states[i] = s;
    }
    if (!admitted) {
      // all or nothing: undo every charge, in reverse so a key listed twice ends as it began
      for (int i = n - 1; i >= 0; i--) {
        held[i].value = savedValue[i];
        held[i].windowEnd = savedWindowEnd[i];
      }
      for (int i = 0; i < n; i++) {
        if (!states[i].violated()) {
          states[i] = describeUncharged(held[i], requests.get(i).policy(), now);
        }
      }
      return new LimitVerdict(false, listOf(states), retryAfter);
    }
    return new LimitVerdict(true, listOf(states), 0, exceeded, Optional.empty());
  }

  private static PolicyState applyRate(LimiterCell c, LimitRequest r, RatePolicy p, long now) {
    long cost = r.cost();
    long t = p.emissionNanos();
    long tau = p.toleranceNanos();
    if (!Gcra.admits(c.value, now, t, tau, cost)) {
      long retry = Gcra.retryAfter(c.value, now, t, tau, cost);
      return new PolicyState(p.name(), p.quota(), p.windowSeconds(),
          Gcra.remaining(c.value, now, t, tau), PolicyState.ceilSeconds(retry), true);
    }
    return charged(c, r, now);
  }

  /** {@link #charge} of one limit, as its state. */
  private static PolicyState charged(LimiterCell c, LimitRequest r, long now) {
    charge(c, r, now);
    LimitPolicy p = r.policy();
    return new PolicyState(p.name(), p.quota(), p.windowSeconds(), remaining(c, r, now), resetSeconds(c, r, now), false);
  }

  private static PolicyState applyQuota(LimiterCell c, LimitRequest r, QuotaPolicy p, long now) {
    rollWindow(c, p, now);
    if (c.value + r.cost() > p.limit() && !r.soft()) {
      return new PolicyState(p.name(), p.quota(), p.windowSeconds(), Math.max(0, p.limit() - c.value),
          PolicyState.ceilSeconds(c.windowEnd - now), true);
    }
    return charged(c, r, now);
  }

  private static PolicyState applyConcurrency(LimiterCell c, ConcurrencyPolicy p) {
    if (c.value + 1 > p.limit()) {
      return new PolicyState(p.name(), p.limit(), p.windowSeconds(), 0, 1, true, p.unit());
    }
    c.value++; // held until released: the cell does not expire while any is
    return new PolicyState(p.name(), p.limit(), p.windowSeconds(), p.limit() - c.value, 1, false, p.unit());
  }

  private static PolicyState applyCredits(LimiterCell c, CreditPolicy p, long cost) {
    if (c.value < cost) {
      return new PolicyState(p.name(), 0, 0, Math.max(0, c.value), 0, true, p.unit());
    }
    c.value -= cost;
    return new PolicyState(p.name(), 0, 0, c.value, 0, false, p.unit());
  }

  /** Exact wait before {@code r} could pass, for a request it refused (its cell is unchanged). */
  static long retryAfterNanos(LimiterCell c, LimitRequest r, long now) {
    LimitPolicy policy = r.policy();
    if (policy instanceof RatePolicy p) {
      return Gcra.retryAfter(c.value, now, p.emissionNanos(), p.toleranceNanos(), r.cost());
    }
    if (policy instanceof QuotaPolicy) {
      return c.windowEnd - now;
    }
    if (policy instanceof ConcurrencyPolicy) {
      return 1_000_000_000L; // unknown: when some request in flight completes
    }
    return 0; // credits: only a top-up helps
  }

  static PolicyState describeUncharged(LimiterCell c, LimitPolicy policy, long now) {
    if (policy instanceof ConcurrencyPolicy p) {
      return new PolicyState(p.name(), p.limit(), p.windowSeconds(), Math.max(0, p.limit() - c.value), 1, false, p.unit());
    }
    if (policy instanceof CreditPolicy p) {
      return new PolicyState(p.name(), 0, 0, Math.max(0, c.value), 0, false, p.unit());
    }
    if (policy instanceof RatePolicy p) {
      return new PolicyState(p.name(), p.quota(), p.windowSeconds(),
          Gcra.remaining(c.value, now, p.emissionNanos(), p.toleranceNanos()),
          PolicyState.ceilSeconds(Gcra.reset(c.value, now)), false);
    }
    QuotaPolicy q = (QuotaPolicy) policy;
    boolean current = now < c.windowEnd;
    long used = current ? c.value : 0;
    long end = current ? c.windowEnd : q.windowEnd(now);
    return new PolicyState(q.name(), q.quota(), q.windowSeconds(), Math.max(0, q.limit() - used),
        PolicyState.ceilSeconds(end - now), false);
  }
}
