package dev.monetize.plans;

import java.util.Objects;

/**
 * A paying customer (the tenant): everything usage, limits and data are partitioned by.
 *
 * <pre>{@code
 * Customer acme = new Customer("acme", "pro", BillingAnchor.DEFAULT);
 * }</pre>
 *
 * <p>In the key hierarchy a customer is the organization: organization, then projects, then keys.
 *
 * @param id the tenant id, stable and unique
 * @param plan the name of the customer's current plan
 * @param billingAnchor when the customer's billing month starts
 * @param name display name (the id when none was given)
 */
public record Customer(String id, String plan, BillingAnchor billingAnchor, String name) {
  /** Validates the values and names the wrong one. */
  public Customer {
    requireId(id, "customer id");
    Names.requirePlanName(plan, "customer plan");
    Objects.requireNonNull(billingAnchor, "billingAnchor");
    Objects.requireNonNull(name, "name");
    if (name.isBlank() || name.length() > 200) {
      throw new IllegalArgumentException("customer name must be 1-200 characters");
    }
  }

  /** A customer named by its id. */
  public Customer(String id, String plan, BillingAnchor billingAnchor) {
    this(id, plan, billingAnchor, id);
  }

  /** A customer billed from the first of the month, UTC. */
  public static Customer of(String id, String plan) {
    return new Customer(id, plan, BillingAnchor.DEFAULT);
  }

  /** A copy on another plan. */
  public Customer withPlan(String newPlan) {
    return new Customer(id, newPlan, billingAnchor, name);
  }

  /** Whether {@code id} is a valid customer id: 1-128 of {@code A-Z a-z 0-9 - _ .}. */
  public static boolean validId(String id) {
    try {
      requireId(id, "id");
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
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
