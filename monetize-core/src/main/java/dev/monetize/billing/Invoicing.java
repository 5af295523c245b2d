package dev.monetize.billing;

import dev.monetize.limits.internal.CalendarWindows;
import dev.monetize.metering.UsageTotals;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.QuotaWindow;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Rates one customer's billing period: the one function behind draft invoices, the usage report's
 * cost, and the CLI's {@code invoice} and {@code what-if}.
 *
 * <p>The period is cut where the plan changed. Each part bills, in this order: its plan's fee
 * times the share of the period it covers (in seconds); one usage line per operation and priced
 * unit used in it, by the plan's price model (calls are always listed, at zero when unpriced; when
 * the operation prices {@code cache_hits}, its calls line bills only the misses);
 * the shortfall to the plan's minimum commitment, prorated like the fee; and, on a prepaid plan,
 * a negative {@code credits} line for what the wallet already paid. Every line is rounded once,
 * half even, to the currency.
 *
 * <pre>{@code
 * Optional<Invoice> draft = Invoicing.draft(catalog, "acme", anchor, Instant.now(),
 *     history.planChanges("acme", start, end), ledger);
 * }</pre>
 */
public final class Invoicing {
  /** The unit of answers served from the response cache. */
  public static final String CACHE_HITS = "cache_hits";

  private Invoicing() {}

  /** The first instant of the billing period containing {@code at}. */
  public static Instant periodStart(BillingAnchor anchor, Instant at) {
    return CalendarWindows.startInstant(QuotaWindow.MONTH, anchor, at);
  }

  /** The first instant after the billing period containing {@code at}. */
  public static Instant periodEnd(BillingAnchor anchor, Instant at) {
    return CalendarWindows.endInstant(QuotaWindow.MONTH, anchor, at);
  }

  /**
   * The draft invoice of the period containing {@code at}; empty when no plan of the period has a
   * currency (nothing in it is priced).
   *
   * @param changes the plan in force at the period start, then each change inside it, oldest first
   *     ({@link BillingHistory#planChanges}); at least one
   * @param usage where each part's quantities are read (records that started in the part)
   * @throws IllegalArgumentException when a plan of {@code changes} is not in {@code catalog}
   * @throws IllegalStateException when the plans of the period bill in different currencies
   */
  public static Optional<Invoice> draft(Catalog catalog, String customerId, BillingAnchor anchor, Instant at,
      List<PlanChange> changes, UsageTotals usage) {
    Instant start = periodStart(anchor, at);
    Instant end = periodEnd(anchor, at);
    return dev.monetize.billing.internal.PeriodParts.of(catalog, customerId, start, end, changes, usage)
        .map(p -> Invoice.of(Optional.empty(), customerId, p.currency(), start, end, p.lines()));
  }
}
