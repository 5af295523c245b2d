package dev.monetize.limits;

import java.util.List;

/**
 * The answer of a {@link LimiterStore} for all limits of one request.
 *
 * @param admitted whether every limit admitted (and so every limit was charged)
 * @param policies the state of each limit, in request order
 * @param retryAfterNanos when refused, how long until a retry can pass; 0 when admitted
 */
public record LimitVerdict(boolean admitted, List<PolicyState> policies, long retryAfterNanos) {
  /** Copies the list. */
  public LimitVerdict {
    policies = List.copyOf(policies);
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
