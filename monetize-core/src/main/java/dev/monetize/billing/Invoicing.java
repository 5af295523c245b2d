package dev.monetize.billing;

import dev.monetize.limits.internal.CalendarWindows;
import dev.monetize.metering.UsageTotals;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.QuotaWindow;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

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
    if (changes.isEmpty()) {
      throw new IllegalArgumentException("customer " + customerId + ": a period needs the plan in force at its start");
    }
    Instant start = periodStart(anchor, at);
    Instant end = periodEnd(anchor, at);
    List<Part> parts = new ArrayList<>();
    for (int i = 0; i < changes.size(); i++) {
      PlanChange c = changes.get(i);
      Instant from = c.since().isBefore(start) ? start : c.since();
      Instant to = i + 1 < changes.size() ? changes.get(i + 1).since() : end;
      if (to.isAfter(end)) {
        to = end;
      }
      if (!to.isAfter(from)) {
        continue;
      }
      Plan plan = catalog.plan(c.plan()).orElseThrow(() -> new IllegalArgumentException("customer " + customerId
          + " is on plan '" + c.plan() + "' from " + c.since() + ", which is not in the plans"));
      // the first part reads from the period start: the usage interval of a customer's first calls
      // can start before its creation; later parts start where the meter cut its intervals
      parts.add(new Part(plan, from, to, usage.totals(customerId, parts.isEmpty() ? start : from, to)));
    }
    Currency currency = null;
    for (Part p : parts) {
      Optional<Currency> c = catalog.currencyOf(p.plan);
      if (c.isPresent()) {
        if (currency != null && !currency.equals(c.get())) {
          throw new IllegalStateException("customer " + customerId + ": the plans of one period bill in " + currency
              + " and " + c.get() + "; an invoice has one currency");
        }
        currency = c.get();
      }
    }
    if (currency == null) {
      return Optional.empty();
    }
    boolean split = parts.size() > 1;
    List<Invoice.Line> lines = new ArrayList<>();
    for (Part p : parts) {
      lines.addAll(p.lines(catalog, currency, split, start, end));
    }
    return Optional.of(Invoice.of(Optional.empty(), customerId, currency, start, end, lines));
  }


  /** One plan's part of a period. */
  private record Part(Plan plan, Instant from, Instant to, UsageTotals.Totals totals) {
    List<Invoice.Line> lines(Catalog catalog, Currency currency, boolean split, Instant start, Instant end) {
      List<Invoice.Line> lines = new ArrayList<>();
      Rating.Share share = Rating.Share.of(from, to, start, end);
      String name = plan.name();
      String when = share.whole() ? "" : " (" + from.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " to "
          + to.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ")"; // read by people: to the second
      plan.fee().ifPresent(fee -> lines.add(new Invoice.Line("plan " + name + " fee" + when, name, Invoice.Kind.FEE,
          Optional.empty(), Optional.empty(), 1, Rating.amount(fee.amount(), share, currency))));
      BigDecimal usage = Rating.zero(currency);
      long prepaidCalls = 0;
      String on = split ? " on " + name : "";
      for (Map.Entry<String, Map<String, Long>> op : totals.quantities().entrySet()) {
        Optional<Operation> operation = catalog.operation(op.getKey());
        // an operation that prices its cache hits bills its calls as the misses: a hit is priced once
        boolean hitsApart = operation.flatMap(o -> plan.priceModel(o, CACHE_HITS)).isPresent();
        for (Map.Entry<String, Long> u : ordered(op.getValue()).entrySet()) {
          String unit = u.getKey();
          long quantity = unit.equals(Plan.CALLS) && hitsApart
              ? Math.max(0, u.getValue() - op.getValue().getOrDefault(CACHE_HITS, 0L)) : u.getValue();
          Optional<PriceModel> model = operation.flatMap(o -> plan.priceModel(o, unit));
          if (quantity <= 0 || (model.isEmpty() && !unit.equals(Plan.CALLS))) {
            continue;
          }
          BigDecimal amount = model.map(m -> Rating.round(m.charge(quantity), currency)).orElse(Rating.zero(currency));
          lines.add(new Invoice.Line(op.getKey() + " (" + unit + on + ")", name, Invoice.Kind.USAGE,
              Optional.of(op.getKey()), Optional.of(unit), quantity, amount));
          usage = usage.add(amount);
          if (unit.equals(Plan.CALLS) && model.isPresent()) {
            prepaidCalls += quantity;
          }
        }
      }
      if (plan.minimum().isPresent()) {
        BigDecimal minimum = Rating.amount(plan.minimum().get().amount(), share, currency);
        if (usage.compareTo(minimum) < 0) {
          lines.add(new Invoice.Line("minimum commitment of " + name + when,
              name, Invoice.Kind.MINIMUM, Optional.empty(), Optional.empty(), 1, minimum.subtract(usage)));
        }
      }
      if (plan.prepaid() && usage.signum() > 0) {
        lines.add(new Invoice.Line("paid from credits" + on, name, Invoice.Kind.CREDITS, Optional.empty(),
            Optional.empty(), prepaidCalls, usage.negate()));
      }
      return lines;
    }

    /** Calls first, then the other standard units, then custom units by name. */
    private static Map<String, Long> ordered(Map<String, Long> units) {
      Map<String, Long> ordered = new java.util.LinkedHashMap<>();
      for (String u : UsageTotals.Totals.STANDARD_UNITS) {
        if (units.containsKey(u)) {
          ordered.put(u, units.get(u));
        }
      }
      new TreeMap<>(units).forEach(ordered::putIfAbsent);
      return ordered;
    }
  }
}
