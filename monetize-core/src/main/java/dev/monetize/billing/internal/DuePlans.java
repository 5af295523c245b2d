package dev.monetize.billing.internal;

import dev.monetize.billing.PlanChange;
import dev.monetize.plans.Customer;
import java.time.Instant;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The plan changes that come due before the scheduler's next sweep can apply them, so that admission
 * puts a customer on its new plan at the very instant the billing history (and so the invoice) does,
 * not up to a sweep later: a call in between was charged to the wallet and limited under the old plan
 * while the invoice billed it under the new one (twice, or not at all). The scheduler fills it from
 * the shared history at every sweep, looking ahead, and as it schedules; admission reads it with one
 * lookup in a map that is empty nearly always.
 */
public final class DuePlans {
  private final ConcurrentHashMap<String, PlanChange> soon = new ConcurrentHashMap<>();

  /**
   * {@code customer} as admission sees it at {@code epochNanos}: on the plan of a change that is due
   * by then and not yet applied to the stored customer; else as it is (the same object).
   */
  public Customer inForce(Customer customer, long epochNanos) {
    if (soon.isEmpty()) {
      return customer;
    }
    PlanChange change = soon.get(customer.id());
    if (change == null || change.plan().equals(customer.plan()) || epochNanos < nanos(change.since())) {
      return customer;
    }
    return new Customer(customer.id(), change.plan(), customer.billingAnchor(), customer.name());
  }

  /** Expects {@code change} (the latest one scheduled for its customer replaces an earlier one). */
  void expect(PlanChange change) {
    soon.merge(change.customerId(), change, (a, b) -> b.since().isBefore(a.since()) ? a : b);
  }

  /** Forgets what was expected for {@code customerId} (its change was cancelled, or made now). */
  void forget(String customerId) {
    soon.remove(customerId);
  }

  /**
   * After a sweep at {@code now}: forgets the changes it has applied (due by {@code now}) and expects
   * {@code upcoming}, the history's changes due before the next sweep.
   */
  void refresh(Instant now, Collection<PlanChange> upcoming) {
    soon.values().removeIf(c -> !c.since().isAfter(now));
    upcoming.forEach(this::expect);
  }

  private static long nanos(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
  }
}
