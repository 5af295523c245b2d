package dev.monetize.billing;

import java.time.Instant;
import java.util.Objects;

/**
 * A customer is on {@code plan} from {@code since} until its next change: what invoices prorate
 * fees and price usage by when the plan changes in the middle of a billing period.
 *
 * @param customerId the customer
 * @param plan the plan from then on
 * @param since when the change took effect
 */
public record PlanChange(String customerId, String plan, Instant since) {
  /** Validates. */
  public PlanChange {
    Objects.requireNonNull(customerId, "customerId");
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(since, "since");
  }
}
