package dev.monetize.billing.internal;

import dev.monetize.Principal;
import dev.monetize.TimeSource;
import dev.monetize.billing.AccountReports;
import dev.monetize.billing.BillingHistory;
import dev.monetize.billing.Invoice;
import dev.monetize.billing.PlanChange;
import dev.monetize.billing.PriceModel;
import dev.monetize.billing.Rating;
import dev.monetize.billing.WalletService;
import dev.monetize.limits.PolicyState;
import dev.monetize.metering.UsageTotals;
import dev.monetize.limits.internal.CalendarWindows;
import dev.monetize.plans.QuotaWindow;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Plan;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The {@link AccountReports} over the usage totals (the ledger's, or the engine's memory ledger of
 * what the meter delivered), the limiter and the billing history.
 */
public final class Reports implements AccountReports {
  private final Catalog catalog;
  private final Supplier<UsageTotals> usageTotals;
  private final BillingHistory billingHistory;
  private final WalletService wallet;
  private final BiFunction<Principal, Long, List<PolicyState>> limitsNow;
  private final TimeSource time;

  /**
   * Reports reading {@code usageTotals}.
   *
   * @param usageTotals the totals, once this node's pending usage is delivered
   * @param limitsNow the principal's limits as they stand at a time (epoch nanoseconds)
   */
  public Reports(Catalog catalog, Supplier<UsageTotals> usageTotals, BillingHistory billingHistory,
      WalletService wallet, BiFunction<Principal, Long, List<PolicyState>> limitsNow, TimeSource time) {
    this.catalog = catalog;
    this.usageTotals = usageTotals;
    this.billingHistory = billingHistory;
    this.wallet = wallet;
    this.limitsNow = limitsNow;
    this.time = time;
  }

  /**
   * The usage report of the caller's customer for the current billing period: calls, bytes and
   * compute from the usage totals (every call admitted before the report on this node, and on every
   * node whose deliveries reached a shared ledger), limits as they stand (from the limiter store,
   * shared if it is), prepaid balance, and the running cost at the plan's per-call prices.
   */
  @Override
  public UsageReport usage(Principal principal) {
    long now = time.epochNanos();
    Instant start = periodStart(principal, now);
    Instant end = periodEnd(principal, now);
    UsageTotals.Totals t = usageTotals.get().totals(principal.customerId(), start, end);
    java.util.Map<String, Long> byOperation = new java.util.TreeMap<>(t.byOperation());
    java.util.Map<String, BigDecimal> cost = new java.util.TreeMap<>();
    for (java.util.Map.Entry<String, Long> e : byOperation.entrySet()) {
      catalog.operation(e.getKey()).flatMap(op -> principal.plan().priceOf(op)).ifPresent(price ->
          cost.merge(price.currency().getCurrencyCode(), price.amount().multiply(BigDecimal.valueOf(e.getValue())),
              BigDecimal::add));
    }
    List<PolicyState> states = limitsNow.apply(principal, now);
    Optional<BigDecimal> credits = principal.plan().prepaid()
        ? Optional.of(wallet.balance(principal.customerId())) : Optional.empty();
    return new UsageReport(principal, start, end, t.requests(), t.bytesOut(), t.computeMillis(), byOperation, states,
        credits, cost, time.now(), t.bytesIn(), t.cpuMillis());
  }

  private static Instant periodStart(Principal principal, long now) {
    return Instant.ofEpochSecond(0, CalendarWindows.start(QuotaWindow.MONTH, principal.customer().billingAnchor(), now));
  }

  private static Instant periodEnd(Principal principal, long now) {
    return Instant.ofEpochSecond(0, CalendarWindows.end(QuotaWindow.MONTH, principal.customer().billingAnchor(), now));
  }

  /**
   * The draft invoice of the caller's customer for the current billing period. The period is cut
   * where the customer's plan changed ({@link BillingHistory#planChanges}); each
   * part has its plan's fee prorated by the time it covers and one line per operation called on
   * it, at that plan's per-call price (see {@link Rating}). Operations without
   * a price are listed at zero. Empty when nothing in the period has a price.
   */
  @Override
  public Optional<Invoice> currentInvoice(Principal principal) {
    long now = time.epochNanos();
    Instant start = periodStart(principal, now);
    Instant end = periodEnd(principal, now);
    UsageTotals totals = usageTotals.get();
    String customerId = principal.customerId();
    List<PlanChange> changes = billingHistory.planChanges(customerId, start, end);
    if (changes.isEmpty()) {
      changes = List.of(new PlanChange(customerId, principal.plan().name(), start));
    }
    boolean split = changes.size() > 1;
    java.time.Duration period = java.time.Duration.between(start, end);
    java.util.Currency currency = null;
    List<Rating.Usage> lines = new java.util.ArrayList<>();
    for (int i = 0; i < changes.size(); i++) {
      PlanChange c = changes.get(i);
      Instant from = c.since().isBefore(start) ? start : c.since();
      Instant to = i + 1 < changes.size() ? changes.get(i + 1).since() : end;
      if (!to.isAfter(from)) {
        continue;
      }
      Plan plan = catalog.plan(c.plan()).orElse(principal.plan()); // a plan since removed from the catalog
      String on = split ? " on " + plan.name() : "";
      BigDecimal covered = Rating.covered(java.time.Duration.between(from, to), period);
      if (plan.fee().isPresent()) {
        dev.monetize.plans.Price fee = plan.fee().get();
        currency = sameCurrency(currency, fee.currency(), plan);
        lines.add(new Rating.Usage("plan " + plan.name() + " fee"
            + (covered.compareTo(BigDecimal.ONE) == 0 ? "" : " (" + from + " to " + to + ")"), 1,
            new PriceModel.Flat(fee.amount()), covered));
      }
      // the first part's calls from the period start: the usage interval of a customer's first calls
      // can start before its creation; later parts start where the meter cut its intervals
      java.util.Map<String, Long> calls = new java.util.TreeMap<>(
          totals.totals(customerId, i == 0 ? start : from, to).byOperation());
      for (java.util.Map.Entry<String, Long> e : calls.entrySet()) {
        Optional<dev.monetize.plans.Price> price = catalog.operation(e.getKey()).flatMap(plan::priceOf);
        if (price.isPresent()) {
          currency = sameCurrency(currency, price.get().currency(), plan);
        }
        BigDecimal unitPrice = price.map(dev.monetize.plans.Price::amount).orElse(BigDecimal.ZERO);
        lines.add(Rating.Usage.of(e.getKey() + " (" + price.map(dev.monetize.plans.Price::unit)
            .orElse("call") + "s" + on + ")", e.getValue(), new PriceModel.PerUnit(unitPrice)));
      }
    }
    if (currency == null) {
      return Optional.empty();
    }
    return Optional.of(Invoice.forPeriod(customerId, principal.customer().billingAnchor(),
        Instant.ofEpochSecond(0, now), currency, lines));
  }

  private static java.util.Currency sameCurrency(java.util.Currency seen, java.util.Currency next, Plan plan) {
    if (seen != null && !seen.equals(next)) {
      throw new IllegalStateException("an invoice prices in more than one currency (" + seen + ", " + next
          + " on plan " + plan.name() + ")");
    }
    return next;
  }
}
