package dev.monetize.insight.internal;

import dev.monetize.billing.Invoice;
import dev.monetize.billing.Invoicing;
import dev.monetize.billing.internal.PeriodParts;
import dev.monetize.billing.PlanChange;
import dev.monetize.metering.UsageTotals;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Plan;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a customer paid, or would have paid under another plan, for its usage in a range, rated as
 * its invoices rate it: each billing period the range touches is drafted whole
 * ({@link Invoicing#draft}), then each part of a period only partly in the range (a plan's time
 * in it, from one change to the next) counts its usage lines by the operation's share of the part's
 * calls made in the range and its fees by the share of the part's time. A range of whole periods
 * gives the invoices' totals exactly.
 */
final class Revenue {
  /** A customer's revenue in a range: per operation (usage lines) and fees not tied to an operation. */
  record Share(Optional<Currency> currency, Map<String, BigDecimal> byOperation, BigDecimal fees) {
    BigDecimal total() {
      return byOperation.values().stream().reduce(fees, BigDecimal::add);
    }
  }

  /** The plan changes of a customer that matter for a range, as {@code BillingHistory.planChanges} gives them. */
  interface Changes {
    List<PlanChange> of(String customerId, Instant from, Instant to);
  }

  private final Catalog catalog;
  private final Changes history;
  private final UsageTotals totals;

  private final Instant now;
  /** The candidate priced last and its catalog (one report's, on one thread). */
  private Plan lastCandidate;
  private Catalog lastCatalog;

  /** Rates {@code totals} as of {@code now} (the current period is the one a customer without history is billed in). */
  Revenue(Catalog catalog, Changes history, UsageTotals totals, Instant now) {
    this.now = now;
    this.catalog = catalog;
    this.history = history;
    this.totals = totals;
  }

  /**
   * {@code customer}'s revenue in {@code [from, to)}: under its real plans, or under {@code candidate}
   * from the time it had a plan. A period without a plan in the history bills nothing, as final
   * invoices do, except the current one, which is on the customer's current plan (as its draft is).
   */
  Share of(Customer customer, Instant from, Instant to, Optional<Plan> candidate) {
    Catalog plans = candidate.map(this::catalogWith).orElse(catalog);
    Map<String, BigDecimal> byOp = new TreeMap<>();
    BigDecimal fees = BigDecimal.ZERO;
    Optional<Currency> currency = Optional.empty();
    Instant p = Invoicing.periodStart(customer.billingAnchor(), from);
    while (p.isBefore(to)) {
      Instant end = Invoicing.periodEnd(customer.billingAnchor(), p);
      List<PlanChange> changes = history.of(customer.id(), p, end);
      boolean current = !now.isBefore(p) && now.isBefore(end);
      if (changes.isEmpty() && !current) { // no plan then (not a customer yet): no invoice
        p = end;
        continue;
      }
      if (changes.isEmpty()) {
        changes = List.of(new PlanChange(customer.id(), customer.plan(), p));
      }
      if (candidate.isPresent()) { // the candidate all along, from when the customer had a plan
        changes = List.of(new PlanChange(customer.id(), candidate.get().name(), changes.get(0).since()));
      }
      Optional<PeriodParts> drafted = PeriodParts.of(plans, customer.id(), p, end, changes, totals);
      Instant a = from.isAfter(p) ? from : p;
      Instant b = to.isBefore(end) ? to : end;
      boolean whole = a.equals(p) && b.equals(end);
      if (drafted.isPresent()) {
        currency = Optional.of(drafted.get().currency());
        // each line belongs to its part of the period (a plan returned to is two parts): shares are taken within it
        for (PeriodParts.Part part : drafted.get().parts()) {
          for (Invoice.Line line : part.lines()) {
            if (line.kind() == Invoice.Kind.CREDITS) { // a payment from the wallet, not a discount: the calls are revenue
              continue;
            }
            if (line.operation().isPresent()) {
              String op = line.operation().get();
              BigDecimal share = whole ? BigDecimal.ONE : callShare(customer.id(), part, a, b, op);
              byOp.merge(op, line.amount().multiply(share), BigDecimal::add);
            } else {
              fees = fees.add(line.amount().multiply(whole ? BigDecimal.ONE : timeShare(part, a, b)));
            }
          }
        }
      }
      p = end;
    }
    return new Share(currency, byOp, fees);
  }

  /** Of the part's time, the share inside {@code [a, b)}. */
  private static BigDecimal timeShare(PeriodParts.Part part, Instant a, Instant b) {
    Instant x = a.isAfter(part.from()) ? a : part.from();
    Instant y = b.isBefore(part.to()) ? b : part.to();
    return ratio(y.isAfter(x) ? Duration.between(x, y).toMillis() : 0, Duration.between(part.from(), part.to()).toMillis());
  }

  /** Of the calls of {@code op} the part billed, the share made inside {@code [a, b)}. */
  private BigDecimal callShare(String customer, PeriodParts.Part part, Instant a, Instant b, String op) {
    long all = totals.totals(customer, part.usageFrom(), part.to()).byOperation().getOrDefault(op, 0L);
    Instant x = a.isAfter(part.usageFrom()) ? a : part.usageFrom();
    Instant y = b.isBefore(part.to()) ? b : part.to();
    long inside = y.isAfter(x) ? totals.totals(customer, x, y).byOperation().getOrDefault(op, 0L) : 0;
    return ratio(inside, all);
  }

  private static BigDecimal ratio(long part, long whole) {
    return whole == 0 ? BigDecimal.ZERO : new BigDecimal(part).divide(new BigDecimal(whole), MathContext.DECIMAL64);
  }

  /**
   * The catalog {@code candidate} is priced in: this one when it holds that very plan, else this one
   * with it added or standing in for the plan of its name.
   *
   * @throws IllegalArgumentException when the candidate does not fit the catalog (a price for an
   *     operation it does not have)
   */
  Catalog catalogWith(Plan candidate) {
    if (candidate.equals(lastCandidate)) { // a report prices one candidate for every customer: built once
      return lastCatalog;
    }
    Catalog with = catalog.plan(candidate.name()).filter(candidate::equals).isPresent() ? catalog : withPlan(candidate);
    lastCandidate = candidate;
    lastCatalog = with;
    return with;
  }

  /** The catalog with {@code plan} added, or standing in for the one of its name. */
  private Catalog withPlan(Plan plan) {
    Catalog.Builder b = Catalog.builder();
    for (Plan p : catalog.plans()) {
      if (!p.name().equals(plan.name())) {
        b.plan(p);
      }
    }
    b.plan(plan);
    catalog.operations().forEach(b::operation);
    return b.build();
  }
}
