package dev.monetize;

import dev.monetize.limits.CreditEntry;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Plan;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles the prepaid price of a call that was in flight while its customer's plan changed. The
 * wallet pays a call when it is admitted, at the price of the plan that admitted it; the invoice
 * bills it in the part of the period where it completed (the meter's interval), under that part's
 * plan. When the two plans price the call differently (prepaid and postpaid, or two prepaid prices),
 * the wallet is moved by the difference as the call completes: a call the invoice bills as paid from
 * credits is paid from them, and one it bills on a postpaid plan is given back. A call completing on
 * the plan that admitted it costs one volatile read here.
 */
final class InFlightPlanChanges {
  private static final Logger LOG = LoggerFactory.getLogger(InFlightPlanChanges.class);

  private final Catalog catalog;
  private final LimitStep limits;
  private final Function<String, Optional<Customer>> customers;
  /** When this node last applied a plan change, after cutting the meter's intervals (epoch nanos). */
  private volatile long changedAtNanos = Long.MIN_VALUE;

  InFlightPlanChanges(Catalog catalog, LimitStep limits, Function<String, Optional<Customer>> customers) {
    this.catalog = catalog;
    this.limits = limits;
    this.customers = customers;
  }

  /** A plan change was applied (the meter's intervals cut) at {@code nowNanos}. */
  void changed(long nowNanos) {
    changedAtNanos = nowNanos;
  }

  /** Moves the wallet by the difference, for an admitted call whose plan changed while it ran. */
  void completed(Admission a) {
    if (changedAtNanos < a.startNanos() || !a.charged()) {
      return;
    }
    Principal p = a.principal().orElseThrow();
    Optional<Plan> now = customers.apply(p.customerId()).map(Customer::plan).filter(n -> !n.equals(p.plan().name()))
        .flatMap(catalog::plan);
    if (now.isEmpty()) {
      return;
    }
    long charged = LimitStep.creditCost(p.plan(), a.operation());
    long due = LimitStep.creditCost(now.get(), a.operation());
    if (charged == due) {
      return;
    }
    try {
      CreditEntry e = limits.applyCredits(p.customerId(), "plan_" + java.util.UUID.randomUUID(), charged - due);
      if (e.outcome() == CreditEntry.Outcome.INSUFFICIENT) {
        LOG.warn("request {} completed on plan {} of {}, whose wallet holds less than its price of {} micro-units: "
            + "the call is billed as paid from credits but was not", a.request().requestId(), now.get().name(),
            p.customerId(), due - charged);
      }
    } catch (RuntimeException e) {
      LOG.warn("settling the prepaid price of request {} after a plan change of {} failed: {}", a.request().requestId(),
          p.customerId(), e.toString());
    }
  }
}
