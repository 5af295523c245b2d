package dev.monetize.plans;

import java.util.Objects;

/**
 * A limit on requests in flight at the same time, released when each request completes (also when
 * the endpoint throws).
 *
 * <pre>{@code
 * Concurrency c = Concurrency.of(10);                       // 10 per customer
 * Concurrency k = Concurrency.of(2).withScope(LimitScope.KEY);
 * }</pre>
 *
 * @param limit requests in flight, at least 1
 * @param scope whose budget it counts
 * @param onOutage behaviour when the shared store is unreachable
 */
public record Concurrency(long limit, LimitScope scope, StoreOutage onOutage) {
  /** Validates. */
  public Concurrency {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(onOutage, "onOutage");
    if (limit < 1 || limit > 1_000_000) {
      throw new IllegalArgumentException("concurrency limit must be 1..1000000, got " + limit);
    }
  }

  /** {@code limit} in flight per customer, failing open. */
  public static Concurrency of(long limit) {
    return new Concurrency(limit, LimitScope.CUSTOMER, StoreOutage.FAIL_OPEN);
  }

  /** A copy with another scope. */
  public Concurrency withScope(LimitScope newScope) {
    return new Concurrency(limit, newScope, onOutage);
  }

  /** A copy with another outage behaviour. */
  public Concurrency onOutage(StoreOutage mode) {
    return new Concurrency(limit, scope, mode);
  }
}
