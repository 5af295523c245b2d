package dev.monetize.limits;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer of a {@link LimiterStore} for all limits of one request.
 *
 * @param admitted whether every limit admitted (and so every limit was charged)
 * @param policies the state of each limit, in request order
 * @param retryAfterNanos when refused, how long until a retry can pass; 0 when admitted
 * @param exceeded whether a soft limit was exceeded (the request is admitted as overage)
 * @param lease what {@link LimiterStore#release(List, LimitVerdict)} needs to free concurrency slots
 *     (empty when the store needs nothing)
 */
public record LimitVerdict(boolean admitted, List<PolicyState> policies, long retryAfterNanos, boolean exceeded,
    Optional<String> lease) {
  /** Copies the list. */
  public LimitVerdict {
    policies = dev.monetize.limits.internal.PackedPolicies.copyOf(policies); // packed states are immutable
    Objects.requireNonNull(lease, "lease");
  }

  /** A verdict without overage or lease. */
  public LimitVerdict(boolean admitted, List<PolicyState> policies, long retryAfterNanos) {
    this(admitted, policies, retryAfterNanos, false, Optional.empty());
  }

  /** The first violated policy of {@code type}, if any. */
  public boolean violated(List<LimitRequest> requests, Class<? extends LimitPolicy> type) {
    for (int i = 0; i < policies.size(); i++) {
      if (policies.get(i).violated() && type.isInstance(requests.get(i).policy())) {
        return true;
      }
    }
    return false;
  }

  /** Whether any violated policy is a quota rather than a rate. */
  public boolean quotaViolated(List<LimitRequest> requests) {
    for (int i = 0; i < policies.size(); i++) {
      if (policies.get(i).violated() && requests.get(i).policy() instanceof QuotaPolicy) {
        return true;
      }
    }
    return false;
  }
}
