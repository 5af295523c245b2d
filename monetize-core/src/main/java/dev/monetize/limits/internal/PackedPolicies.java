package dev.monetize.limits.internal;

import dev.monetize.limits.LimitPolicy;
import dev.monetize.limits.LimitRequest;
import dev.monetize.limits.LimitVerdict;
import dev.monetize.limits.PolicyState;
import dev.monetize.limits.QuotaPolicy;
import dev.monetize.limits.RatePolicy;
import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * The states of an admitted call's rates and quotas as primitives: what the in-memory store answers
 * on its common path instead of a {@link PolicyState} per limit. It is the verdict's (and the
 * decision's) list of policies; a {@link PolicyState} is made only when one is asked for, and the
 * engine's own readers (the response headers, quota warnings) read the primitives through the
 * static accessors, which serve any list of states.
 *
 * <p>Immutable: the states are written by the store before the list is made and never after.
 */
public final class PackedPolicies extends AbstractList<PolicyState> implements RandomAccess {
  private final List<LimitRequest> requests;
  /** The first two limits' states: units remaining, then seconds until reset (one object for the common plans). */
  private final long remaining0;
  private final long reset0;
  private final long remaining1;
  private final long reset1;
  /** With more than two limits: every limit's two states, and the four fields unused; else null. */
  private final long[] states;
  /** Whether a soft quota was exceeded (the call is admitted as overage). */
  private final boolean exceeded;
  /** When a limit refused the call: the store's verdict, from the same check (no states then); else null. */
  private final LimitVerdict refusal;

  /**
   * The states of {@code requests} (rates and quotas only, all admitted), two longs each in
   * {@code states}: remaining, then reset seconds (the array is the list's from now on); and whether
   * a soft quota was exceeded ({@link LimitVerdict#exceeded()}).
   */
  public PackedPolicies(List<LimitRequest> requests, long[] states, boolean exceeded) {
    if (states.length != 2 * requests.size()) {
      throw new IllegalArgumentException("two states per limit: " + requests.size() + " limits, " + states.length
          + " states");
    }
    for (LimitRequest r : requests) {
      if (!packs(r.policy())) {
        throw new IllegalArgumentException("only rates and quotas are packed, got " + r.policy());
      }
    }
    this.requests = requests;
    boolean inline = states.length <= 4;
    this.remaining0 = inline && states.length > 0 ? states[0] : 0;
    this.reset0 = inline && states.length > 1 ? states[1] : 0;
    this.remaining1 = inline && states.length > 2 ? states[2] : 0;
    this.reset1 = inline && states.length > 3 ? states[3] : 0;
    this.states = inline ? null : states;
    this.exceeded = exceeded;
    this.refusal = null;
  }

  private PackedPolicies(List<LimitRequest> requests, long remaining0, long reset0, long remaining1, long reset1,
      boolean exceeded) {
    this.requests = requests;
    this.remaining0 = remaining0;
    this.reset0 = reset0;
    this.remaining1 = remaining1;
    this.reset1 = reset1;
    this.states = null;
    this.exceeded = exceeded;
    this.refusal = null;
  }

  private PackedPolicies(LimitVerdict refusal) {
    this.requests = List.of();
    this.remaining0 = 0;
    this.reset0 = 0;
    this.remaining1 = 0;
    this.reset1 = 0;
    this.states = null;
    this.exceeded = false;
    this.refusal = refusal;
  }

  /**
   * What {@link PackingLimiterStore#acquirePacked} answers when a limit refused the call (nothing
   * was charged): no states, and the verdict that says why.
   */
  public static PackedPolicies refusedBy(LimitVerdict refusal) {
    if (refusal.admitted()) {
      throw new IllegalArgumentException("a refusal's verdict refuses, got " + refusal);
    }
    return new PackedPolicies(refusal);
  }

  /** Whether every limit admitted the call and was charged (the states are this list's). */
  public boolean admitted() {
    return refusal == null;
  }

  /** The verdict of a call a limit refused; only for one that was not {@link #admitted()}. */
  public LimitVerdict refusal() {
    if (refusal == null) {
      throw new IllegalStateException("the call was admitted: its states are the list's");
    }
    return refusal;
  }

  /** The state of one admitted rate or quota, without an array. */
  public static PackedPolicies ofOne(List<LimitRequest> requests, long remaining, long reset) {
    if (requests.size() != 1 || !packsAll(requests)) {
      throw new IllegalArgumentException("one rate or quota is packed here, got " + requests);
    }
    return new PackedPolicies(requests, remaining, reset, 0, 0, false);
  }

  /**
   * The states of two admitted rates or quotas, without an array. The caller has checked that
   * {@code requests} are two rates or quotas ({@link #packsAll}): the store does before it charges,
   * so the check is not made again on every call (only with assertions on).
   */
  public static PackedPolicies ofTwo(List<LimitRequest> requests, long remaining0, long reset0, long remaining1,
      long reset1, boolean exceeded) {
    assert requests.size() == 2 && packsAll(requests) : "two rates or quotas are packed here, got " + requests;
    return new PackedPolicies(requests, remaining0, reset0, remaining1, reset1, exceeded);
  }

  /** State {@code k} (0: remaining, 1: reset seconds) of limit {@code i}. */
  private long state(int i, int k) {
    java.util.Objects.checkIndex(i, requests.size());
    if (states != null) {
      return states[2 * i + k];
    }
    if (i == 0) {
      return k == 0 ? remaining0 : reset0;
    }
    return k == 0 ? remaining1 : reset1;
  }

  /** The admitted states of {@code requests} (rates and quotas), packed. */
  public static PackedPolicies of(List<LimitRequest> requests, List<PolicyState> admitted, boolean exceeded) {
    if (admitted instanceof PackedPolicies p && p.exceeded == exceeded) {
      return p;
    }
    long[] states = new long[2 * admitted.size()];
    for (int i = 0; i < admitted.size(); i++) {
      PolicyState s = admitted.get(i);
      if (s.violated()) {
        throw new IllegalArgumentException("only admitted states are packed, got " + s);
      }
      states[2 * i] = s.remaining();
      states[2 * i + 1] = s.resetSeconds();
    }
    return new PackedPolicies(requests, states, exceeded);
  }

  /** Whether these are the states of {@code requests} themselves (the same list, limit for limit). */
  public boolean describes(List<LimitRequest> requests) {
    return this.requests == requests;
  }

  /** Whether a soft quota was exceeded: the call is admitted as overage. */
  public boolean exceeded() {
    return exceeded;
  }

  /** Whether every limit of {@code requests} is a rate or a quota. */
  public static boolean packsAll(List<LimitRequest> requests) {
    for (int i = 0; i < requests.size(); i++) {
      if (!packs(requests.get(i).policy())) {
        return false;
      }
    }
    return true;
  }

  /** Whether a state of {@code policy} can be packed: a rate or a quota (counted in requests). */
  public static boolean packs(LimitPolicy policy) {
    return policy instanceof RatePolicy || policy instanceof QuotaPolicy;
  }

  @Override
  public int size() {
    return requests.size();
  }

  @Override
  public PolicyState get(int i) {
    LimitPolicy p = requests.get(i).policy();
    return new PolicyState(p.name(), p.quota(), p.windowSeconds(), state(i, 0), state(i, 1), false);
  }

  /** The policy's name at {@code i} of {@code states}, without making a state. */
  public static String name(List<PolicyState> states, int i) {
    return states instanceof PackedPolicies p ? p.requests.get(i).policy().name() : states.get(i).name();
  }

  /** The policy's quota ({@code q}) at {@code i}. */
  public static long quota(List<PolicyState> states, int i) {
    return states instanceof PackedPolicies p ? p.requests.get(i).policy().quota() : states.get(i).quota();
  }

  /** Units remaining at {@code i}, capped at the quota as {@link PolicyState} caps them. */
  public static long remaining(List<PolicyState> states, int i) {
    if (states instanceof PackedPolicies p) {
      long quota = p.requests.get(i).policy().quota();
      long remaining = p.state(i, 0);
      return quota > 0 && remaining > quota ? quota : remaining;
    }
    return states.get(i).remaining();
  }

  /** Seconds until the policy at {@code i} resets. */
  public static long resetSeconds(List<PolicyState> states, int i) {
    return states instanceof PackedPolicies p ? p.state(i, 1) : states.get(i).resetSeconds();
  }

  /** Whether the policy at {@code i} refused the call (a packed state never did). */
  public static boolean violated(List<PolicyState> states, int i) {
    return !(states instanceof PackedPolicies) && states.get(i).violated();
  }

  /** Whether the fields announce the policy at {@code i} (rates and quotas always are). */
  public static boolean announced(List<PolicyState> states, int i) {
    return states instanceof PackedPolicies || states.get(i).announced();
  }

  /** {@code states} as a list a value may keep: a packed one as it is, any other copied. */
  public static List<PolicyState> copyOf(List<PolicyState> states) {
    return states instanceof PackedPolicies ? states : List.copyOf(states);
  }
}
