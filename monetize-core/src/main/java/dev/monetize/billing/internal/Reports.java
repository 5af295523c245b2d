package dev.monetize.billing.internal;

import dev.monetize.Principal;
import dev.monetize.TimeSource;
import dev.monetize.billing.AccountReports;
import dev.monetize.billing.BillingHistory;
import dev.monetize.billing.Invoice;
import dev.monetize.billing.Invoicing;
import dev.monetize.billing.PlanChange;
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
  private final java.util.function.BooleanSupplier usageComplete;
  /** The removed plans said so once: each is logged at its first draft. */
  private final java.util.Set<String> warnedRemoved = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final BillingHistory billingHistory;
  private final WalletService wallet;
  private final BiFunction<Principal, Long, List<PolicyState>> limitsNow;
  private final TimeSource time;
  private final java.time.Duration grace;
  /**
   * How many ended periods one read may finalize: 0 when the totals are one node's while the
   * history is shared (see {@code BillingHistory#shared}), 1 from the memory ledger (it keeps the
   * last period), 12 from a shared ledger.
   */
  private final int lookBack;
  /** Per customer, the period start up to which its ended periods were finalized on this node. */
  private final com.github.benmanes.caffeine.cache.Cache<String, Instant> checkedThrough =
      com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(100_000).build();
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Reports.class);

  /**
   * Reports reading {@code usageTotals}.
   *
   * @param usageTotals the totals, once this node's pending usage is delivered
   * @param usageComplete whether those totals hold every call recorded (read after them): invoices are
   *     finalized only then
   * @param limitsNow the principal's limits as they stand at a time (epoch nanoseconds)
   */
  public Reports(Catalog catalog, Supplier<UsageTotals> usageTotals, java.util.function.BooleanSupplier usageComplete,
      BillingHistory billingHistory,
      WalletService wallet, BiFunction<Principal, Long, List<PolicyState>> limitsNow, TimeSource time,
      java.time.Duration grace, int lookBack) {
    this.catalog = catalog;
    this.usageTotals = usageTotals;
    this.usageComplete = usageComplete;
    this.billingHistory = billingHistory;
    this.wallet = wallet;
    this.limitsNow = limitsNow;
    this.time = time;
    this.grace = grace;
    this.lookBack = lookBack;
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
    UsageTotals totals = memo(usageTotals.get()); // the invoice reads the same range again: one query
    UsageTotals.Totals t = totals.totals(principal.customerId(), start, end);
    java.util.Map<String, Long> byOperation = new java.util.TreeMap<>(t.byOperation());
    java.util.Map<String, BigDecimal> cost = new java.util.TreeMap<>();
    draft(principal, now, totals).ifPresent(inv -> cost.put(inv.currency().getCurrencyCode(), inv.total()));
    List<PolicyState> states = limitsNow.apply(principal, now);
    // a prepaid plan's balance, zero or not; on another plan, what is left from one (still the customer's)
    BigDecimal balance = wallet.balance(principal.customerId());
    Optional<BigDecimal> credits = principal.plan().prepaid() || balance.signum() != 0
        ? Optional.of(balance) : Optional.empty();
    return new UsageReport(principal, start, end, t.requests(), t.bytesOut(), t.computeMillis(), byOperation, states,
        credits, cost, time.now(), t.bytesIn(), t.cpuMillis(), t.quantities());
  }

  @Override
  public List<DayUsage> days(Principal principal) {
    long now = time.epochNanos();
    Instant start = periodStart(principal, now);
    java.time.ZoneId zone = principal.customer().billingAnchor().zone();
    List<DayUsage> days = new java.util.ArrayList<>();
    // one ledger query for the whole period, not one per day
    usageTotals.get().daily(principal.customerId(), start, Instant.ofEpochSecond(0, now), zone).forEach((date, t) -> {
      java.util.Map<String, Long> units = new java.util.TreeMap<>();
      t.quantities().values().forEach(q -> q.forEach((unit, n) -> units.merge(unit, n, Long::sum)));
      Instant from = date.atStartOfDay(zone).toInstant();
      days.add(new DayUsage(date, from.isBefore(start) ? start : from, date.plusDays(1).atStartOfDay(zone).toInstant(),
          t.requests(), units));
    });
    return days;
  }

  /** {@code totals} answering each range once. */
  private static UsageTotals memo(UsageTotals totals) {
    java.util.Map<List<Object>, UsageTotals.Totals> seen = new java.util.HashMap<>();
    return (customer, from, to) -> seen.computeIfAbsent(List.of(customer, from, to),
        k -> totals.totals(customer, from, to));
  }

  private static Instant periodStart(Principal principal, long now) {
    return Instant.ofEpochSecond(0, CalendarWindows.start(QuotaWindow.MONTH, principal.customer().billingAnchor(), now));
  }

  private static Instant periodEnd(Principal principal, long now) {
    return Instant.ofEpochSecond(0, CalendarWindows.end(QuotaWindow.MONTH, principal.customer().billingAnchor(), now));
  }

  /**
   * The draft invoice of the caller's customer for the current billing period, rated by
   * {@link Invoicing#draft}: the period cut where the customer's plan changed
   * ({@link BillingHistory#planChanges}), each part with its plan's fee prorated by the seconds it
   * covers and its usage priced by its plan. Empty when nothing in the period has a price.
   */
  @Override
  public Optional<Invoice> currentInvoice(Principal principal) {
    return draft(principal, time.epochNanos(), usageTotals.get());
  }

  @Override
  public List<Invoice> invoices(Principal principal, int limit) {
    finalizeDue(principal);
    return billingHistory.invoices(principal.customerId(), limit);
  }

  @Override
  public Optional<Invoice> invoice(Principal principal, String number) {
    finalizeDue(principal);
    return billingHistory.invoice(principal.customerId(), number);
  }

  /**
   * Finalizes, oldest first, the ended periods that have no final invoice yet, once the grace period
   * after the last one has passed: the last one, or up to {@code lookBack} of them when the usage
   * totals are a shared ledger that keeps them all (a customer nobody asked about for months). Each
   * is rated like the draft from the usage totals and plan history; a period in which the customer
   * did not exist, or had nothing priced, gets none.
   */
  private void finalizeDue(Principal principal) {
    if (lookBack == 0) {
      return;
    }
    long now = time.epochNanos();
    Instant currentStart = periodStart(principal, now);
    if (Instant.ofEpochSecond(0, now).isBefore(currentStart.plus(grace))) {
      return;
    }
    String customerId = principal.customerId();
    if (currentStart.equals(checkedThrough.getIfPresent(customerId))) {
      return; // done for this period on this node: a read costs no ledger query
    }
    try {
      if (finalizeEnded(principal, currentStart)) {
        checkedThrough.put(customerId, currentStart);
      }
    } catch (RuntimeException e) { // the reads go on; the next one tries again
      LOG.warn("finalizing the invoices of {} failed: {}", customerId, e.toString());
    }
  }

  /** False when the usage is not all in the totals yet (nothing is finalized then; a later read tries again). */
  private boolean finalizeEnded(Principal principal, Instant currentStart) {
    String customerId = principal.customerId();
    List<Invoice> newest = billingHistory.invoices(customerId, 1);
    Instant done = newest.isEmpty() ? Instant.MIN : newest.get(0).periodStart();
    java.util.Deque<Instant> due = new java.util.ArrayDeque<>(); // an instant in each period to finalize
    Instant end = currentStart;
    for (int i = 0; i < lookBack; i++) {
      Instant last = end.minusNanos(1);
      Instant start = Invoicing.periodStart(principal.customer().billingAnchor(), last);
      if (!start.isAfter(done) || billingHistory.planChanges(customerId, start, end).isEmpty()) {
        break; // finalized already, or not a customer then (nor before)
      }
      due.push(last);
      end = start;
    }
    if (due.isEmpty()) {
      return true;
    }
    UsageTotals totals = memo(usageTotals.get());
    if (!usageComplete.getAsBoolean()) { // a delivery the sink refused waits: a final invoice would miss its calls
      LOG.warn("invoices of {} not finalized yet: usage the sink refused waits to be delivered", customerId);
      return false;
    }
    for (Instant last : due) {
      Instant start = Invoicing.periodStart(principal.customer().billingAnchor(), last);
      List<PlanChange> changes = billingHistory.planChanges(customerId, start, Invoicing.periodEnd(
          principal.customer().billingAnchor(), last));
      draft(principal, last, changes, totals).ifPresent(billingHistory::finalizeInvoice);
    }
    return true;
  }

  private Optional<Invoice> draft(Principal principal, long now, UsageTotals totals) {
    Instant start = periodStart(principal, now);
    Instant end = periodEnd(principal, now);
    String customerId = principal.customerId();
    List<PlanChange> changes = billingHistory.planChanges(customerId, start, end);
    if (changes.isEmpty()) {
      changes = List.of(new PlanChange(customerId, principal.plan().name(), start));
    }
    return draft(principal, Instant.ofEpochSecond(0, now), changes, totals);
  }

  private Optional<Invoice> draft(Principal principal, Instant at, List<PlanChange> changes, UsageTotals totals) {
    String customerId = principal.customerId();
    Catalog plans = catalog;
    for (PlanChange c : changes) {
      if (catalog.plan(c.plan()).isEmpty()) { // a plan since removed from the catalog: billed as the current one
        if (warnedRemoved.add(c.plan())) {
          LOG.warn("plan '{}' is no longer in the catalog but billed in an open period (customer {}): its part is "
              + "billed as the customer's current plan '{}'; keep a plan until every period it was used in is final",
              c.plan(), customerId, principal.plan().name());
        }
        plans = withRemovedPlans(changes, principal.plan());
        break;
      }
    }
    return Invoicing.draft(plans, customerId, principal.customer().billingAnchor(), at, changes, totals);
  }

  /** The catalog with every plan of {@code changes} it no longer has standing in as {@code current}. */
  private Catalog withRemovedPlans(List<PlanChange> changes, Plan current) {
    Catalog.Builder b = Catalog.builder();
    java.util.Set<String> added = new java.util.HashSet<>();
    for (Plan p : catalog.plans()) {
      b.plan(p);
      added.add(p.name());
    }
    for (PlanChange c : changes) {
      if (added.add(c.plan())) {
        b.plan(renamed(current, c.plan()));
      }
    }
    catalog.operations().forEach(b::operation);
    return b.build();
  }

  private static Plan renamed(Plan p, String name) {
    return new Plan(name, p.rank(), p.rate(), p.quotas(), p.scopes(), p.features(), p.prices(), p.concurrency(),
        p.prepaid(), p.overage(), p.fee(), p.currency(), p.minimum(), p.usagePrices());
  }
}
