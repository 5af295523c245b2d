package dev.monetize.plans;

import java.util.Objects;

/**
 * A number of units allowed per calendar window.
 *
 * <pre>{@code
 * Quota q = Quota.daily(1_000);                       // policy name "daily"
 * Quota m = Quota.of("monthly", 50_000, QuotaWindow.MONTH);
 * }</pre>
 *
 * @param name the policy name shown in {@code RateLimit-Policy}, lower-case letters, digits, '-' or '_'
 * @param limit units per window, at least 1
 * @param window the window
 * @param scope whose budget it counts (default: the customer)
 * @param onOutage behaviour when the shared store is unreachable (default: fail closed)
 */
public record Quota(String name, long limit, QuotaWindow window, LimitScope scope, StoreOutage onOutage) {
  /** Validates the values and names the wrong one. */
  public Quota {
    Names.requirePolicyName(name, "quota name");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(onOutage, "onOutage");
    if (limit < 1 || limit > Long.MAX_VALUE / 4) {
      throw new IllegalArgumentException("quota limit must be at least 1, got " + limit);
    }
  }

  /** A per-customer quota that fails closed. */
  public Quota(String name, long limit, QuotaWindow window) {
    this(name, limit, window, LimitScope.CUSTOMER, StoreOutage.FAIL_CLOSED);
  }

  /** A copy with another scope. */
  public Quota withScope(LimitScope newScope) {
    return new Quota(name, limit, window, newScope, onOutage);
  }

  /** A copy with another outage behaviour. */
  public Quota onOutage(StoreOutage mode) {
    return new Quota(name, limit, window, scope, mode);
  }

  /** A quota named after its window. */
  public static Quota of(long limit, QuotaWindow window) {
    return new Quota(window.defaultPolicyName(), limit, window);
  }

  /** A named quota. */
  public static Quota of(String name, long limit, QuotaWindow window) {
    return new Quota(name, limit, window);
  }

  /** {@code limit} per calendar day in the customer's zone. */
  public static Quota daily(long limit) {
    return of(limit, QuotaWindow.DAY);
  }

  /** {@code limit} per billing month. */
  public static Quota monthly(long limit) {
    return of(limit, QuotaWindow.MONTH);
  }
}
