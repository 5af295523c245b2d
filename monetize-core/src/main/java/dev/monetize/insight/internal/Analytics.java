package dev.monetize.insight.internal;

import dev.monetize.billing.BillingHistory;
import dev.monetize.keys.CustomerStore;
import dev.monetize.metering.UsageTotals;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.CostModel;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Plan;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The operator's analytics, as JSON-ready maps: each plan's SLA, the cost and margin of each
 * operation and customer, customer behaviour with upsell signals, and what-if pricing. Amounts
 * are decimal strings; revenue is rated as invoices rate it ({@link Revenue}), costs follow the
 * plans file's cost model.
 */
public final class Analytics {
  /** At most this many customers are rated in one report. */
  public static final int MAX_CUSTOMERS = 10_000;
  private static final BigDecimal GIB = new BigDecimal(1L << 30);
  private static final BigDecimal MONTH_SECONDS = new BigDecimal(30L * 86_400);

  private final Catalog catalog;
  private final CustomerStore customers;
  private final BillingHistory history;
  private final Supplier<UsageTotals> totals;
  private final SlaBook sla;
  private final CustomerSignals signals;
  private final Supplier<Instant> clock;

  /** Analytics over the engine's data, on the engine's clock (which period is the current one). */
  public Analytics(Catalog catalog, CustomerStore customers, BillingHistory history,
      Supplier<UsageTotals> totals, SlaBook sla, CustomerSignals signals, Supplier<Instant> clock) {
    this.clock = clock;
    this.catalog = catalog;
    this.customers = customers;
    this.history = history;
    this.totals = totals;
    this.sla = sla;
    this.signals = signals;
  }

  /** Each plan's latency, errors and availability per day in {@code [from, to]}, against its target. */
  public Map<String, Object> sla(LocalDate from, LocalDate to) {
    return SlaReport.of(catalog, sla, from, to);
  }

  /** One customer's numbers for one operation in a range. */
  private record Cell(String customer, String operation, long calls, long hits, BigDecimal revenue, BigDecimal cost,
      BigDecimal savings) {}

  /**
   * Per operation and per customer in {@code [from, to)}: calls, revenue, cost, margin, margin %
   * and cache savings, the least profitable first; fixed costs allocated by share of calls.
   */
  public Map<String, Object> costs(Instant from, Instant to) {
    CostModel model = catalog.costs().orElseThrow(() -> new IllegalStateException(
        "no cost model: declare costs in the plans file (see docs/analytics.md)"));
    List<Object> skipped = new ArrayList<>();
    UsageTotals store = this.totals.get();
    Set<String> rated = rated(store, from, to);
    Reads reads = reads(store, rated, from, to, (r, c) -> r.inRange(c, from, to));
    // calls of customers without a record are costed too (without revenue): their totals in the same batches
    reads.data().fetch(reads.data().withoutRecord(rated).stream().map(id -> new UsageTotals.Range(id, from, to))
        .toList());
    List<Cell> cells = cells(reads, rated, from, to, model, skipped);
    long allCalls = cells.stream().mapToLong(Cell::calls).sum();
    BigDecimal fixed = model.fixedMonthly().multiply(new BigDecimal(Duration.between(from, to).toSeconds()))
        .divide(MONTH_SECONDS, MathContext.DECIMAL64);
    List<Cell> withFixed = new ArrayList<>();
    for (Cell c : cells) {
      BigDecimal share = allCalls == 0 ? BigDecimal.ZERO
          : fixed.multiply(new BigDecimal(c.calls())).divide(new BigDecimal(allCalls), MathContext.DECIMAL64);
      withFixed.add(new Cell(c.customer(), c.operation(), c.calls(), c.hits(), c.revenue(), c.cost().add(share),
          c.savings()));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("from", from.toString());
    out.put("to", to.toString());
    out.put("currency", model.currency().getCurrencyCode());
    out.put("fixed_costs", money(fixed));
    out.put("operations", rows(withFixed, Cell::operation, "operation"));
    out.put("customers", rows(withFixed, Cell::customer, "customer_id"));
    Map<String, Object> totals = row(withFixed);
    if (allCalls == 0 && fixed.signum() != 0) { // no call to carry them: the fixed costs are still the range's
      totals = row(List.of(new Cell("", "", 0, 0, BigDecimal.ZERO, fixed, BigDecimal.ZERO), new Cell("", "", 0, 0,
          withFixed.stream().map(Cell::revenue).reduce(BigDecimal.ZERO, BigDecimal::add), withFixed.stream()
              .map(Cell::cost).reduce(BigDecimal.ZERO, BigDecimal::add), BigDecimal.ZERO)));
    }
    out.put("totals", totals);
    out.put("skipped", skipped);
    out.put("truncated", rated.size() > MAX_CUSTOMERS);
    return out;
  }

  private static List<Cell> cells(Reads reads, Set<String> rated, Instant from, Instant to, CostModel model,
      List<Object> skipped) {
    Prefetch data = reads.data();
    UsageTotals usage = reads.usage();
    Revenue revenue = reads.revenue();
    List<Cell> cells = new ArrayList<>();
    int n = 0;
    for (String id : rated) {
      if (++n > MAX_CUSTOMERS) {
        break;
      }
      Optional<Customer> customer = readable(data, id, skipped);
      if (customer == null) {
        continue; // skipped: its calls are not costed without its revenue
      }
      UsageTotals.Totals t = usage.totals(id, from, to);
      Revenue.Share paid;
      try {
        paid = customer.map(c -> revenue.of(c, from, to, Optional.empty()))
            .orElse(new Revenue.Share(Optional.empty(), Map.of(), BigDecimal.ZERO));
      } catch (IllegalArgumentException | IllegalStateException e) { // one customer's history never fails the report
        skipped.add(Map.of("customer_id", id, "reason", String.valueOf(e.getMessage())));
        continue;
      }
      long calls = t.requests();
      Set<String> ops = new java.util.TreeSet<>(t.byOperation().keySet());
      ops.addAll(paid.byOperation().keySet());
      for (String op : ops) {
        long opCalls = t.byOperation().getOrDefault(op, 0L);
        long hits = t.quantity(op, "cache_hits");
        long misses = Math.max(0, opCalls - hits);
        BigDecimal cpu = new BigDecimal(t.quantity(op, "cpu_ms"));
        BigDecimal compute = new BigDecimal(t.quantity(op, "compute_ms"));
        BigDecimal cost = model.perCall(op).multiply(new BigDecimal(misses))
            .add(model.perCacheHit().multiply(new BigDecimal(hits)))
            .add(model.perCpuMs().multiply(cpu)).add(model.perComputeMs().multiply(compute))
            .add(model.perGibOut().multiply(new BigDecimal(t.quantity(op, "bytes_out"))).divide(GIB, MathContext.DECIMAL64));
        BigDecimal perMiss = misses == 0 ? model.perCall(op) : model.perCall(op)
            .add(model.perCpuMs().multiply(cpu).add(model.perComputeMs().multiply(compute))
                .divide(new BigDecimal(misses), MathContext.DECIMAL64));
        BigDecimal savings = perMiss.subtract(model.perCacheHit()).max(BigDecimal.ZERO).multiply(new BigDecimal(hits));
        BigDecimal fee = calls == 0 ? BigDecimal.ZERO
            : paid.fees().multiply(new BigDecimal(opCalls)).divide(new BigDecimal(calls), MathContext.DECIMAL64);
        cells.add(new Cell(id, op, opCalls, hits, paid.byOperation().getOrDefault(op, BigDecimal.ZERO).add(fee), cost,
            savings));
      }
      if (calls == 0 && paid.fees().signum() != 0) {
        cells.add(new Cell(id, "(fees)", 0, 0, paid.fees(), BigDecimal.ZERO, BigDecimal.ZERO));
      }
    }
    return cells;
  }

  /**
   * The customers a report of {@code [from, to)} rates: those with usage in it, and those with a plan
   * by its end (who may owe fees without a call), at most {@link #MAX_CUSTOMERS} + 1 (a report says
   * it was cut).
   */
  private Set<String> rated(UsageTotals usage, Instant from, Instant to) {
    // those with calls first, in id order: a cap never leaves out a customer with calls for one without
    Set<String> ids = new java.util.LinkedHashSet<>(new java.util.TreeSet<>(usage.customers(from, to)));
    for (String id : history.customersBefore(to, MAX_CUSTOMERS + 1)) {
      if (ids.size() > MAX_CUSTOMERS) {
        break;
      }
      ids.add(id);
    }
    return ids;
  }

  /** What a report reads: the data fetched in batches, the usage totals and the revenue over it. */
  private record Reads(Prefetch data, UsageTotals usage, Revenue revenue) {
    /** What a report reads of {@code customer} for {@code [from, to)}: its totals and its revenue. */
    void inRange(Customer customer, Instant from, Instant to) {
      usage.totals(customer.id(), from, to);
      revenue.of(customer, from, to, Optional.empty());
    }
  }

  /**
   * The reads of a report on the first {@link #MAX_CUSTOMERS} of {@code ids} over the periods that
   * touch {@code [from, to]}, fetched in batches: what {@code each} reads of a customer (see
   * {@link Prefetch#warm}).
   */
  private Reads reads(UsageTotals store, Set<String> ids, Instant from, Instant to,
      java.util.function.BiConsumer<Reads, Customer> each) {
    Prefetch data = new Prefetch(customers, history, store);
    List<Customer> known = data.load(ids.stream().limit(MAX_CUSTOMERS).toList(), from, to);
    UsageTotals usage = data.totals();
    Reads reads = new Reads(data, usage, new Revenue(catalog, data::planChanges, usage, clock.get()));
    data.warm(known, c -> each.accept(reads, c));
    return reads;
  }

  private static List<Object> rows(List<Cell> cells, Function<Cell, String> key, String name) {
    Map<String, List<Cell>> groups = new TreeMap<>();
    cells.forEach(c -> groups.computeIfAbsent(key.apply(c), k -> new ArrayList<>()).add(c));
    List<Map<String, Object>> rows = new ArrayList<>();
    groups.forEach((k, list) -> {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put(name, k);
      r.putAll(row(list));
      rows.add(r);
    });
    rows.sort(Comparator.comparing((Map<String, Object> r) -> new BigDecimal((String) r.get("margin")))
        .thenComparing(r -> (String) r.get(name)));
    return new ArrayList<>(rows);
  }

  private static Map<String, Object> row(List<Cell> cells) {
    long calls = cells.stream().mapToLong(Cell::calls).sum();
    long hits = cells.stream().mapToLong(Cell::hits).sum();
    BigDecimal revenue = cells.stream().map(Cell::revenue).reduce(BigDecimal.ZERO, BigDecimal::add);
    BigDecimal cost = cells.stream().map(Cell::cost).reduce(BigDecimal.ZERO, BigDecimal::add);
    BigDecimal savings = cells.stream().map(Cell::savings).reduce(BigDecimal.ZERO, BigDecimal::add);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("calls", calls);
    r.put("cache_hits", hits);
    r.put("revenue", money(revenue));
    r.put("cost", money(cost));
    r.put("margin", money(revenue.subtract(cost)));
    r.put("margin_percent", revenue.signum() == 0 ? null : revenue.subtract(cost).multiply(BigDecimal.valueOf(100))
        .divide(revenue, 2, RoundingMode.HALF_EVEN).toPlainString());
    r.put("cache_savings", money(savings));
    return r;
  }

  /** An amount at six decimals (costs are estimates below a cent per call; revenue is exact to its minor unit). */
  static String money(BigDecimal v) {
    return v.setScale(6, RoundingMode.HALF_EVEN).toPlainString();
  }

  /**
   * Top customers of {@code [from, to)} by revenue and by calls (at most {@code limit} each), with
   * this node's error rate and refusals, and the upsell signals: customers refused for their plan's
   * limits or scope, the next plan that would admit them and what it would have cost them.
   */
  public Map<String, Object> customers(Instant from, Instant to, int limit) {
    UsageTotals store = totals.get();
    Map<String, CustomerSignals.Counts> seen = signals.all();
    Set<String> ids = rated(store, from, to);
    ids.addAll(seen.keySet());
    Reads reads = reads(store, ids, from, to, (r, c) -> r.inRange(c, from, to));
    Prefetch data = reads.data();
    UsageTotals usage = reads.usage();
    Revenue revenue = reads.revenue();
    List<Map<String, Object>> rows = new ArrayList<>();
    List<Object> upsell = new ArrayList<>();
    List<Object> skipped = new ArrayList<>();
    int n = 0;
    for (String id : ids) {
      if (++n > MAX_CUSTOMERS) {
        break;
      }
      Optional<Customer> customer = readable(data, id, skipped);
      if (customer == null || customer.isEmpty()) {
        continue;
      }
      Revenue.Share paid;
      try {
        paid = revenue.of(customer.get(), from, to, Optional.empty());
      } catch (IllegalArgumentException | IllegalStateException e) { // one customer's history never fails the report
        skipped.add(Map.of("customer_id", id, "reason", String.valueOf(e.getMessage())));
        continue;
      }
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("customer_id", id);
      r.put("plan", customer.get().plan());
      r.put("calls", usage.totals(id, from, to).requests());
      r.put("revenue", money(paid.total()));
      CustomerSignals.Counts c = seen.get(id);
      r.put("requests_seen", c == null ? 0 : c.requests());
      r.put("error_rate", c == null || c.requests() == 0 ? null // no call to rate, as in the SLA report
          : SlaReport.ratio(c.failures(), c.requests()).toPlainString());
      r.put("refusals", c == null ? Map.of() : c.upsellRefusals());
      rows.add(r);
      // refusals counted on another plan than the customer's now say nothing about the plan it is on
      if (c != null && c.plan().equals(customer.get().plan())
          && c.upsellRefusals().values().stream().mapToLong(Long::longValue).sum() > 0) {
        next(customer.get(), c).filter(p -> sameCurrency(p, customer.get())).ifPresent(p -> {
          Map<String, Object> u = new LinkedHashMap<>();
          u.put("customer_id", id);
          u.put("plan", customer.get().plan());
          u.put("refusals", c.upsellRefusals());
          u.put("suggested_plan", p.name());
          u.put("revenue_now", money(paid.total()));
          u.put("revenue_on_suggested_plan", money(revenue.of(customer.get(), from, to, Optional.of(p)).total()));
          upsell.add(u);
        });
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("from", from.toString());
    out.put("to", to.toString());
    out.put("by_revenue", top(rows, Comparator.comparing((Map<String, Object> r) -> new BigDecimal((String) r.get("revenue")))
        .reversed(), limit));
    out.put("by_calls", top(rows, Comparator.comparing((Map<String, Object> r) -> (Long) r.get("calls")).reversed(),
        limit));
    out.put("upsell", upsell);
    out.put("skipped", skipped);
    out.put("truncated", ids.size() > MAX_CUSTOMERS);
    return out;
  }

  private static List<Object> top(List<Map<String, Object>> rows, Comparator<Map<String, Object>> order, int limit) {
    return rows.stream().sorted(order.thenComparing(r -> (String) r.get("customer_id"))).limit(limit)
        .map(r -> (Object) r).toList();
  }

  private boolean sameCurrency(Plan candidate, Customer customer) {
    return currency(candidate).equals(catalog.plan(customer.plan()).flatMap(this::currency));
  }

  /** The currency {@code plan} bills in: its own, else that of the operation prices it uses. */
  private Optional<java.util.Currency> currency(Plan plan) {
    return catalog.currencyOf(plan);
  }

  /**
   * The record of customer {@code id} (empty when there is none), or null when it cannot be read (a time
   * zone this JVM does not know, a billing day out of range), then named in {@code skipped} and left out
   * of the report: one customer's record never fails it.
   */
  private static Optional<Customer> readable(Prefetch data, String id, List<Object> skipped) {
    try {
      return data.customer(id);
    } catch (java.time.DateTimeException | IllegalArgumentException e) {
      skipped.add(Map.of("customer_id", id, "reason", "its record cannot be read: " + e.getMessage()));
      return null;
    }
  }

  /** The lowest-ranked plan above the customer's that allows what it was denied, if any. */
  private Optional<Plan> next(Customer customer, CustomerSignals.Counts c) {
    Optional<Plan> current = catalog.plan(customer.plan());
    int rank = current.map(Plan::rank).orElse(-1);
    Optional<dev.monetize.plans.Operation> denied = c.lastDeniedOperation().isEmpty() ? Optional.empty()
        : catalog.operation(c.lastDeniedOperation());
    return catalog.plans().stream().filter(p -> p.rank() > rank)
        .filter(p -> denied.isEmpty() || catalog.allows(p, denied.get()))
        .min(Comparator.comparingInt(Plan::rank));
  }

  /**
   * Every customer with usage or a fee in the period containing {@code at}: revenue under its actual
   * plans and under {@code candidate} for the whole period (from when it had a plan), the
   * difference, and the totals.
   */
  public Map<String, Object> whatIf(Plan candidate, Instant at) {
    UsageTotals store = totals.get();
    // a candidate that does not fit the catalog fails the request, not each customer, before anything is read
    new Revenue(catalog, history::planChanges, store, clock.get()).catalogWith(candidate);
    Instant earliest = at.minus(Duration.ofDays(366));
    Set<String> ids = rated(store, earliest, at.plus(Duration.ofDays(366)));
    Reads reads = reads(store, ids, at, at, (r, c) -> { // the period containing at, under both plans
      Instant start = dev.monetize.billing.Invoicing.periodStart(c.billingAnchor(), at);
      Instant end = dev.monetize.billing.Invoicing.periodEnd(c.billingAnchor(), at);
      r.inRange(c, start, end);
      r.revenue().of(c, start, end, Optional.of(candidate));
    });
    Prefetch data = reads.data();
    UsageTotals usage = reads.usage();
    Revenue revenue = reads.revenue();
    // the candidate's catalog (checked above, before anything was read)
    Catalog withCandidate = revenue.catalogWith(candidate);
    // the one currency the totals are in: the candidate's, else that of the first customer billed in one
    Optional<java.util.Currency> reportCurrency = withCandidate.currencyOf(candidate);
    List<Object> rows = new ArrayList<>();
    BigDecimal actualTotal = BigDecimal.ZERO;
    BigDecimal candidateTotal = BigDecimal.ZERO;
    int more = 0;
    int less = 0;
    List<Object> skipped = new ArrayList<>();
    int n = 0;
    for (String id : ids) {
      if (++n > MAX_CUSTOMERS) {
        break;
      }
      Optional<Customer> customer = readable(data, id, skipped);
      if (customer == null || customer.isEmpty()) {
        continue;
      }
      Instant start = dev.monetize.billing.Invoicing.periodStart(customer.get().billingAnchor(), at);
      Instant end = dev.monetize.billing.Invoicing.periodEnd(customer.get().billingAnchor(), at);
      Revenue.Share actualShare;
      Revenue.Share wouldShare;
      try {
        actualShare = revenue.of(customer.get(), start, end, Optional.empty());
        wouldShare = revenue.of(customer.get(), start, end, Optional.of(candidate));
      } catch (IllegalArgumentException | IllegalStateException e) { // one customer's history never fails the report
        skipped.add(Map.of("customer_id", id, "reason", String.valueOf(e.getMessage())));
        continue;
      }
      if (actualShare.currency().isPresent() && wouldShare.currency().isPresent()
          && !actualShare.currency().equals(wouldShare.currency())) { // amounts in two currencies are not compared
        skipped.add(Map.of("customer_id", id, "reason", "bills in " + actualShare.currency().get() + ", the candidate in "
            + wouldShare.currency().get()));
        continue;
      }
      Optional<java.util.Currency> own = actualShare.currency().or(wouldShare::currency);
      if (own.isPresent() && reportCurrency.isPresent() && !own.equals(reportCurrency)) { // nor added to the totals
        skipped.add(Map.of("customer_id", id, "reason", "bills in " + own.get() + ", the totals are in "
            + reportCurrency.get()));
        continue;
      }
      BigDecimal actual = actualShare.total();
      BigDecimal would = wouldShare.total();
      if (actual.signum() == 0 && would.signum() == 0 && usage.totals(id, start, end).requests() == 0) {
        continue; // not affected: no call and no fee either way (or not a customer in that period)
      }
      if (reportCurrency.isEmpty()) {
        reportCurrency = own;
      }
      actualTotal = actualTotal.add(actual);
      candidateTotal = candidateTotal.add(would);
      int sign = would.compareTo(actual);
      more += sign > 0 ? 1 : 0;
      less += sign < 0 ? 1 : 0;
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("customer_id", id);
      r.put("plan", customer.get().plan());
      r.put("period_start", start.toString());
      r.put("period_end", end.toString());
      r.put("actual", actual);
      r.put("candidate", would);
      r.put("difference", would.subtract(actual));
      rows.add(r);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("plan", candidate.name());
    out.put("at", at.toString());
    out.put("currency", reportCurrency.map(java.util.Currency::getCurrencyCode).orElse(""));
    // amounts written with the currency's digits ("0.00", as invoices write them)
    int digits = Math.max(0, reportCurrency.map(java.util.Currency::getDefaultFractionDigits).orElse(0));
    Function<BigDecimal, String> amount = a -> (a.scale() < digits ? a.setScale(digits) : a).toPlainString();
    for (Object row : rows) {
      @SuppressWarnings("unchecked")
      Map<String, Object> r = (Map<String, Object>) row;
      r.replaceAll((k, v) -> v instanceof BigDecimal b ? amount.apply(b) : v);
    }
    out.put("customers", rows);
    out.put("actual_total", amount.apply(actualTotal));
    out.put("candidate_total", amount.apply(candidateTotal));
    out.put("difference", amount.apply(candidateTotal.subtract(actualTotal)));
    out.put("would_pay_more", more);
    out.put("would_pay_less", less);
    out.put("truncated", n > MAX_CUSTOMERS);
    out.put("skipped", skipped);
    return out;
  }
}
