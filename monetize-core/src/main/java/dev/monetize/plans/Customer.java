package dev.monetize.plans;

import java.util.Objects;

/**
 * A paying customer (the tenant): everything usage, limits and data are partitioned by.
 *
 * <pre>{@code
 * Customer acme = new Customer("acme", "pro", BillingAnchor.DEFAULT);
 * }</pre>
 *
 * @param id the tenant id, stable and unique
 * @param plan the name of the customer's current plan
 * @param billingAnchor when the customer's billing month starts
 */
public record Customer(String id, String plan, BillingAnchor billingAnchor) {
  /** Validates the values and names the wrong one. */
  public Customer {
    requireId(id, "customer id");
    Names.requirePlanName(plan, "customer plan");
    Objects.requireNonNull(billingAnchor, "billingAnchor");
  }

  /** A customer billed from the first of the month, UTC. */
  public static Customer of(String id, String plan) {
    return new Customer(id, plan, BillingAnchor.DEFAULT);
  }

  /** A copy on another plan. */
  public Customer withPlan(String newPlan) {
    return new Customer(id, newPlan, billingAnchor);
  }

  static void requireId(String id, String what) {
    if (id == null || id.isEmpty() || id.length() > 128) {
      throw new IllegalArgumentException(what + " must be 1-128 characters");
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == '.';
      if (!ok) {
        throw new IllegalArgumentException(what + " '" + id + "' may only contain A-Z, a-z, 0-9, '-', '_', '.'");
      }
    }
  }
}
