package dev.monetize.limits;

import java.util.Objects;

/**
 * One limit to check and charge: the state key (which partition: key, customer, operation or IP),
 * the policy, and the units this request costs.
 *
 * @param key the state key; keys of one customer share a hash tag, e.g. {@code {acme}:daily}
 * @param policy the policy
 * @param cost units to charge, at least 1
 */
public record LimitRequest(String key, LimitPolicy policy, long cost) {
  /** Validates. */
  public LimitRequest {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(policy, "policy");
    if (cost < 1) {
      throw new IllegalArgumentException("cost must be at least 1, got " + cost);
    }
  }

  /** The same limit at another cost. */
  public LimitRequest withCost(long newCost) {
    return newCost == cost ? this : new LimitRequest(key, policy, newCost);
  }
}
