package dev.monetize.billing.internal;

import dev.monetize.billing.BillingHistory;
import dev.monetize.billing.Invoicing;
import dev.monetize.billing.PlanChange;
import dev.monetize.limits.internal.Shares;
import dev.monetize.metering.UsageTotals;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.QuotaWindow;
import dev.monetize.plans.TierRule;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a customer meets a tier rule's condition, from the usage totals: units used (calls times
 * each operation's cost, as quotas count them) per UTC day, or per billing period.
 */
final class TierConditions {
  private TierConditions() {
  }

  /** Why {@code customer} meets {@code rule} at {@code now}, or empty. */
  static Optional<String> met(TierRule rule, Customer customer, Catalog catalog, BillingHistory history,
      UsageTotals totals, Instant now) {
    Plan plan = catalog.plan(rule.from()).orElseThrow();
    if (rule.when() instanceof TierRule.QuotaPressure q) {
      long limit = plan.quotas().stream().filter(x -> x.name().equals(q.quota()) && x.window() == QuotaWindow.DAY)
          .mapToLong(Quota::limit).findFirst().orElseThrow();
      Instant today = now.truncatedTo(ChronoUnit.DAYS);
      int hot = 0;
      for (int d = 1; d <= q.ofLastDays(); d++) {
        Instant from = today.minus(Duration.ofDays(d));
        Instant to = from.plus(Duration.ofDays(1));
        List<PlanChange> on = history.planChanges(customer.id(), from, to);
        if (on.size() != 1 || !on.get(0).plan().equals(rule.from())) {
          continue; // a day on another plan (or changing plans) says nothing about this one
        }
        if (Shares.reached(units(catalog, totals.totals(customer.id(), from, to)), q.percent(), limit)) {
          hot++;
        }
      }
      return hot >= q.days() ? Optional.of("the " + q.quota() + " quota was at least " + q.percent() + "% used on "
          + hot + " of the last " + q.ofLastDays() + " days") : Optional.empty();
    }
    TierRule.LowUse low = (TierRule.LowUse) rule.when();
    Instant end = Invoicing.periodStart(customer.billingAnchor(), now); // the last whole period ends here
    for (int i = 0; i < low.periods(); i++) {
      Instant start = Invoicing.periodStart(customer.billingAnchor(), end.minusSeconds(1));
      List<PlanChange> changes = history.planChanges(customer.id(), start, end);
      if (changes.isEmpty() || changes.size() > 1 || !changes.get(0).plan().equals(rule.from())) {
        return Optional.empty(); // on the plan for the whole period, or the rule does not speak about it
      }
      long allowance = allowance(plan, Duration.between(start, end));
      long used = units(catalog, totals.totals(customer.id(), start, end));
      // no usage at all may be usage a ledger no longer keeps (the in-memory one keeps current periods):
      // a customer is never moved down on missing data
      if (allowance <= 0 || used == 0 || Shares.reached(used, low.percent(), allowance)) {
        return Optional.empty();
      }
      end = start;
    }
    return Optional.of("less than " + low.percent() + "% of the plan was used in each of the last " + low.periods()
        + " billing periods");
  }

  /** Units used: calls times each operation's cost. */
  private static long units(Catalog catalog, UsageTotals.Totals t) {
    long units = 0;
    for (Map.Entry<String, Long> op : t.byOperation().entrySet()) {
      units += op.getValue() * catalog.operation(op.getKey()).map(Operation::cost).orElse(1L);
    }
    return units;
  }

  /** What the plan allows in a period: its monthly quota, else its daily quota times the period's days. */
  private static long allowance(Plan plan, Duration period) {
    Optional<Quota> monthly = plan.quotas().stream().filter(q -> q.window() == QuotaWindow.MONTH).findFirst();
    if (monthly.isPresent()) {
      return monthly.get().limit();
    }
    return plan.quotas().stream().filter(q -> q.window() == QuotaWindow.DAY).findFirst()
        .map(q -> saturatedTimes(q.limit(), Math.max(1, period.toDays()))).orElse(0L);
  }

  /** {@code a * b}, or {@code Long.MAX_VALUE} past it (a practically unlimited daily quota). */
  private static long saturatedTimes(long a, long b) {
    long high = Math.multiplyHigh(a, b);
    long low = a * b;
    return high != (low >> 63) ? Long.MAX_VALUE : low;
  }
}
