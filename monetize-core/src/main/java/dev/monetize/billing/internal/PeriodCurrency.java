package dev.monetize.billing.internal;

import dev.monetize.billing.BillingHistory;
import dev.monetize.billing.Invoicing;
import dev.monetize.billing.PlanChange;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.Catalog;
import java.time.Instant;
import java.util.Currency;
import java.util.Optional;

/**
 * An invoice has one currency: a plan change now must not bring a currency other than those of the
 * plans the customer was on earlier in the same period, whether the plan left bills in one or not
 * (USD, then a free plan, then EUR made a period no invoice could bill).
 */
public final class PeriodCurrency {
  private PeriodCurrency() {}

  /**
   * Why putting {@code customerId} on {@code plan} at {@code now} would mix currencies in its current
   * period, or empty when it would not.
   */
  public static Optional<String> conflict(Catalog catalog, BillingHistory history, String customerId,
      BillingAnchor anchor, String plan, Instant now) {
    Optional<Currency> to = catalog.plan(plan).flatMap(catalog::currencyOf);
    if (to.isEmpty()) {
      return Optional.empty();
    }
    Instant start = Invoicing.periodStart(anchor, now);
    for (PlanChange change : history.planChanges(customerId, start, now)) {
      Optional<Currency> was = catalog.plan(change.plan()).flatMap(catalog::currencyOf);
      if (was.isPresent() && !was.equals(to)) {
        return Optional.of("plan '" + plan + "' bills in " + to.get() + " and '" + change.plan() + "', which customer "
            + customerId + " was on in this period (from " + start + "), in " + was.get()
            + "; an invoice has one currency: change at period_end");
      }
    }
    return Optional.empty();
  }
}
