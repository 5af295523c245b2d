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
import dev.monetize.metering.internal.PeriodTotals;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Plan;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/** The {@link AccountReports} over the ledger (or this JVM's period totals), the limiter and the billing history. */
public final class Reports implements AccountReports {
  private final Catalog catalog;
  private final PeriodTotals periodTotals;
  private final Optional<UsageTotals> usageTotals;
  private final BillingHistory billingHistory;
  private final WalletService wallet;
  private final BiFunction<Principal, Long, List<PolicyState>> limitsNow;
  private final TimeSource time;

  /**
   * Reports reading the ledger's totals when the usage sink keeps them, else {@code periodTotals}.
   *
   * @param limitsNow the principal's limits as they stand at a time (epoch nanoseconds)
   */
  public Reports(Catalog catalog, PeriodTotals periodTotals, Optional<UsageTotals> usageTotals,
      BillingHistory billingHistory, WalletService wallet, BiFunction<Principal, Long, List<PolicyState>> limitsNow,
      TimeSource time) {
    this.catalog = catalog;
    this.periodTotals = periodTotals;
    this.usageTotals = usageTotals;
    this.billingHistory = billingHistory;
    this.wallet = wallet;
    this.limitsNow = limitsNow;
    this.time = time;
  }

  /**
   * The usage report of the caller's customer for the current billing period: calls, bytes and
   * compute counted by this JVM, limits as they stand (from the limiter store, shared if it is),
   * prepaid balance, and the running cost at the plan's per-call prices.
   */
  @Override
  public UsageReport usage(Principal principal) {
    long now = time.epochNanos();
    PeriodTotals.PeriodUsage u = periodTotals.of(principal.customer(), now);
    java.util.Map<String, Long> byOperation = new java.util.TreeMap<>();
    long requests;
    long bytesIn;
    long bytesOut;
    long computeMillis;
    long cpuMillis;
    if (usageTotals.isPresent()) {
      // a shared ledger: every node's calls, as flushed (within the flush interval)
      dev.monetize.metering.UsageTotals.Totals t = usageTotals.get().totals(principal.customerId(),
          Instant.ofEpochSecond(0, u.start), Instant.ofEpochSecond(0, u.end));
      byOperation.putAll(t.byOperation());
      requests = t.requests();
      bytesIn = t.bytesIn();
      bytesOut = t.bytesOut();
      computeMillis = t.computeMillis();
      cpuMillis = t.cpuMillis();
    } else {
      byOperation.putAll(u.byOperation(Optional.empty()));
      requests = u.requests.sum();
      bytesIn = u.bytesIn.sum();
      bytesOut = u.bytesOut.sum();
      computeMillis = u.micros.sum() / 1_000;
      cpuMillis = u.cpuMicros.sum() / 1_000;
    }
    java.util.Map<String, BigDecimal> cost = new java.util.TreeMap<>();
    for (java.util.Map.Entry<String, Long> e : byOperation.entrySet()) {
      catalog.operation(e.getKey()).flatMap(op -> principal.plan().priceOf(op)).ifPresent(price ->
          cost.merge(price.currency().getCurrencyCode(), price.amount().multiply(BigDecimal.valueOf(e.getValue())),
              BigDecimal::add));
    }
    List<PolicyState> states = limitsNow.apply(principal, now);
    Optional<BigDecimal> credits = principal.plan().prepaid()
        ? Optional.of(wallet.balance(principal.customerId())) : Optional.empty();
    return new UsageReport(principal, Instant.ofEpochSecond(0, u.start), Instant.ofEpochSecond(0, u.end),
        requests, bytesOut, computeMillis, byOperation, states, credits, cost, time.now(), bytesIn, cpuMillis);
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
    PeriodTotals.PeriodUsage u = periodTotals.of(principal.customer(), now);
    Instant start = Instant.ofEpochSecond(0, u.start);
    Instant end = Instant.ofEpochSecond(0, u.end);
    String customerId = principal.customerId();
    List<PlanChange> changes = billingHistory.planChanges(customerId, start, end);
    if (changes.isEmpty()) {
      changes = List.of(new PlanChange(customerId, principal.plan().name(), start));
    }
    boolean split = changes.size() > 1;
    java.time.Duration period = java.time.Duration.between(start, end);
    java.util.Currency currency = null;
    List<Rating.Usage> lines = new java.util.ArrayList<>();
    java.util.Set<String> plansCounted = new java.util.HashSet<>();
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
      java.util.Map<String, Long> calls;
      if (usageTotals.isPresent()) {
        calls = new java.util.TreeMap<>(usageTotals.get().totals(customerId, from, to).byOperation());
      } else if (!split) {
        calls = u.byOperation(Optional.empty());
      } else {
        // this JVM counts calls per plan, not per part: a plan's calls go on its first part only
        calls = plansCounted.add(plan.name()) ? u.byOperation(Optional.of(plan.name())) : java.util.Map.of();
      }
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
