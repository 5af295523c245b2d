package dev.monetize.limits;

import dev.monetize.plans.StoreOutage;
import java.util.Objects;

/**
 * One limit to check and charge: the state key (which partition: key, customer, operation or IP),
 * the policy, the units this request costs, whether exceeding it still admits (a soft quota, for
 * plans that bill or degrade overage), and what to do when the store is unreachable.
 *
 * @param key the state key; keys of one customer share a hash tag, e.g. {@code {acme}:daily}
 * @param policy the policy
 * @param cost units to charge, at least 1 (micro-units of currency for credits)
 * @param soft whether exceeding it admits anyway (charged, reported in {@link LimitVerdict#exceeded()})
 * @param onOutage behaviour when a shared store cannot be reached
 */
public record LimitRequest(String key, LimitPolicy policy, long cost, boolean soft, StoreOutage onOutage) {
  /** Validates. */
  public LimitRequest {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(onOutage, "onOutage");
    if (cost < 1) {
      throw new IllegalArgumentException("cost must be at least 1, got " + cost);
    }
  }

  /** A hard limit with the policy type's default outage behaviour (rates and concurrency fail open). */
  public LimitRequest(String key, LimitPolicy policy, long cost) {
    this(key, policy, cost, false,
        policy instanceof RatePolicy || policy instanceof ConcurrencyPolicy ? StoreOutage.FAIL_OPEN : StoreOutage.FAIL_CLOSED);
  }

  /** The same limit at another cost. */
  public LimitRequest withCost(long newCost) {
    return newCost == cost ? this : new LimitRequest(key, policy, newCost, soft, onOutage);
  }

  /** The same limit, soft or hard. */
  public LimitRequest withSoft(boolean isSoft) {
    return isSoft == soft ? this : new LimitRequest(key, policy, cost, isSoft, onOutage);
  }

  /** The same limit with another outage behaviour. */
  public LimitRequest onOutage(StoreOutage mode) {
    return new LimitRequest(key, policy, cost, soft, mode);
  }
}
