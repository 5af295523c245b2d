package dev.monetize.billing.internal;

import dev.monetize.billing.BillingHistory;
import dev.monetize.billing.Invoice;
import dev.monetize.billing.PlanChange;
import dev.monetize.billing.Rating;
import dev.monetize.metering.UsageTotals;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.billing.PriceModel;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A billing period cut where the plan changed, each part with its invoice lines: what
 * {@code Invoicing.draft} puts on an invoice, and what the operator's revenue reports share out
 * part by part (a plan the customer returned to is two parts, each with its own lines).
 *
 * @param currency the invoice's currency
 * @param parts the parts, oldest first
 */
public record PeriodParts(Currency currency, List<PeriodParts.Part> parts) {
  /**
   * One plan's part of a period.
   *
   * @param usageFrom where its usage is read from: the period start for the first part (the usage
   *     interval of a customer's first calls can start before its creation), else {@code from}
   * @param lines its lines, as the invoice lists them
   */
  public record Part(Plan plan, Instant from, Instant to, Instant usageFrom, List<Invoice.Line> lines) {
    /** Copies the lines. */
    public Part {
      lines = List.copyOf(lines);
    }
  }

  /** Every line of every part, in order: the invoice's. */
  public List<Invoice.Line> lines() {
    List<Invoice.Line> all = new ArrayList<>();
    parts.forEach(p -> all.addAll(p.lines()));
    return all;
  }

  /**
   * The parts of {@code [start, end)}; empty when no plan of the period has a currency.
   *
   * @param changes the plan in force at the period start, then each change inside it, oldest first
   *     ({@link BillingHistory#planChanges}); at least one
   * @throws IllegalArgumentException when a plan of {@code changes} is not in {@code catalog}
   * @throws IllegalStateException when the plans of the period bill in different currencies
   */
  public static Optional<PeriodParts> of(Catalog catalog, String customerId, Instant start, Instant end,
      List<PlanChange> changes, UsageTotals usage) {
    if (changes.isEmpty()) {
      throw new IllegalArgumentException("customer " + customerId + ": a period needs the plan in force at its start");
    }
    List<Cut> cuts = new ArrayList<>();
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
      Instant usageFrom = cuts.isEmpty() ? start : from; // later parts start where the meter cut its intervals
      cuts.add(new Cut(plan, from, to, usageFrom, usage.totals(customerId, usageFrom, to)));
    }
    Currency currency = null;
    for (Cut p : cuts) {
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
    boolean split = cuts.size() > 1;
    List<Part> parts = new ArrayList<>(cuts.size());
    for (Cut p : cuts) {
      parts.add(new Part(p.plan, p.from, p.to, p.usageFrom, p.lines(catalog, currency, split, start, end)));
    }
    return Optional.of(new PeriodParts(currency, List.copyOf(parts)));
  }

  /** Validates and copies. */
  public PeriodParts {
    java.util.Objects.requireNonNull(currency, "currency");
    parts = List.copyOf(parts);
  }

  /** One plan's part of a period, with its usage, before it is rated. */
  private record Cut(Plan plan, Instant from, Instant to, Instant usageFrom, UsageTotals.Totals totals) {
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
        boolean hitsApart = operation.flatMap(o -> plan.priceModel(o, dev.monetize.billing.Invoicing.CACHE_HITS)).isPresent();
        for (Map.Entry<String, Long> u : ordered(op.getValue()).entrySet()) {
          String unit = u.getKey();
          long quantity = unit.equals(Plan.CALLS) && hitsApart
              ? Math.max(0, u.getValue() - op.getValue().getOrDefault(dev.monetize.billing.Invoicing.CACHE_HITS, 0L)) : u.getValue();
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
