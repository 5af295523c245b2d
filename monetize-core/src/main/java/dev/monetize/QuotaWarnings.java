package dev.monetize;

import dev.monetize.events.LifecycleEvent;
import dev.monetize.events.internal.EventOutbox;
import dev.monetize.limits.LimitPolicy;
import dev.monetize.limits.LimitRequest;
import dev.monetize.limits.PolicyState;
import dev.monetize.limits.QuotaPolicy;
import dev.monetize.limits.internal.PackedPolicies;
import dev.monetize.limits.internal.Shares;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Warnings before a quota runs out: an answer whose quota is at or past a threshold (default 80%
 * and 95%) carries {@code Monetize-Quota-Warning}, a Structured Field list naming each such policy
 * with the share used ({@code "daily";used=83}); the one call that crosses a threshold announces it
 * once, as {@code dev.monetize.quota.threshold_crossed}. The store charges each unit to one call, so
 * exactly one call per threshold and window crosses it, on one node or many.
 */
final class QuotaWarnings {
  /** The response header. */
  static final String HEADER = "Monetize-Quota-Warning";

  private final int[] thresholds;
  private final EventOutbox events;
  /**
   * The crossings this node announced (customer, key, policy, window, threshold): a quota that bills
   * its overage reports every call past it as the last unit, so such calls would otherwise each seem
   * to cross again. Bounded; other nodes may announce the same crossing, under the same event id.
   */
  private final com.github.benmanes.caffeine.cache.Cache<String, Boolean> announced =
      com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(100_000)
          .expireAfterWrite(java.time.Duration.ofDays(32)).executor(Runnable::run).build();

  QuotaWarnings(int[] thresholds, EventOutbox events) {
    this.thresholds = java.util.Arrays.stream(thresholds).distinct().sorted().toArray();
    this.events = events;
  }

  /**
   * The quota ({@code q}) of the policy at {@code i} of {@code states} when it is one of the call's
   * quotas, else 0: for the states the store packed from these very limits, read off the limit at
   * {@code i} (no name compared); for any other list, the quota named so among {@code requests}.
   */
  private static long quotaAt(List<PolicyState> states, int i, List<LimitRequest> requests) {
    if (states instanceof PackedPolicies p && p.describes(requests)) {
      LimitPolicy policy = requests.get(i).policy();
      return policy instanceof QuotaPolicy ? policy.quota() : 0;
    }
    long quota = PackedPolicies.quota(states, i);
    if (quota <= 0) {
      return 0;
    }
    String name = PackedPolicies.name(states, i);
    for (int k = 0; k < requests.size(); k++) { // indexed: no iterator on the request path
      LimitRequest r = requests.get(k);
      if (r.policy() instanceof QuotaPolicy && r.policy().name().equals(name)) {
        return quota;
      }
    }
    return 0;
  }

  /** The header's value for an admitted call's policies, empty when no quota is past a threshold. */
  String header(List<PolicyState> states, List<LimitRequest> requests) {
    if (thresholds.length == 0) {
      return "";
    }
    StringBuilder out = null;
    for (int i = 0; i < states.size(); i++) { // read in place: no state is made for it
      long quota = quotaAt(states, i, requests);
      if (quota <= 0) {
        continue;
      }
      long used = quota - Math.max(0, PackedPolicies.remaining(states, i));
      if (Shares.reached(used, thresholds[0], quota)) {
        String name = PackedPolicies.name(states, i);
        out = out == null ? new StringBuilder() : out.append(", ");
        out.append('"').append(name).append("\";used=").append(Shares.percentUsed(used, quota));
      }
    }
    return out == null ? "" : out.toString();
  }

  /** Announces each threshold the admitted call of {@code cost} units crossed. */
  void announce(Optional<Principal> principal, List<PolicyState> states, List<LimitRequest> requests, long cost,
      long epochNanos) {
    if (thresholds.length == 0 || principal.isEmpty()) {
      return;
    }
    for (int i = 0; i < states.size(); i++) { // read in place: a state is made only to announce a crossing
      long quota = quotaAt(states, i, requests);
      if (quota <= 0) {
        continue;
      }
      long used = quota - Math.max(0, PackedPolicies.remaining(states, i));
      if (!Shares.reached(used, thresholds[0], quota)) {
        continue; // below the lowest threshold: none crossed (most calls)
      }
      long before = used - cost;
      for (int t : thresholds) {
        if (!Shares.reached(before, t, quota) && Shares.reached(used, t, quota)) {
          publish(principal.get(), states.get(i), t, used, epochNanos);
        }
      }
    }
  }

  private void publish(Principal p, PolicyState s, int threshold, long used, long epochNanos) {
    long now = Math.floorDiv(epochNanos, 1_000_000_000L);
    Instant windowEnd = Instant.ofEpochSecond(Math.round((now + s.resetSeconds()) / 60.0) * 60); // a window's end, to the minute
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("customer_id", p.customerId());
    data.put("key_id", p.keyId());
    data.put("policy", s.name());
    data.put("threshold", threshold);
    data.put("used", used);
    data.put("limit", s.quota());
    data.put("window_ends", windowEnd.toString());
    String key = p.customerId() + "|" + p.keyId() + "|" + s.name() + "|" + windowEnd + "|" + threshold;
    if (announced.asMap().putIfAbsent(key, Boolean.TRUE) != null) {
      return; // announced already in this window
    }
    String id = UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString();
    events.publish(new LifecycleEvent(id, LifecycleEvent.QUOTA_THRESHOLD_CROSSED, p.customerId(),
        Instant.ofEpochSecond(0, epochNanos), data));
  }
}
