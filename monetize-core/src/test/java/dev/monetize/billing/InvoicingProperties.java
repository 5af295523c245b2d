package dev.monetize.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.config.CatalogLoader;
import dev.monetize.metering.UsageRecord;
import dev.monetize.metering.UsageTotals;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.Catalog;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Invoices over generated usage and plan changes: they add up, and no unit is lost or billed twice. */
class InvoicingProperties {
  private static final Catalog CATALOG = CatalogLoader.parse("plans.yaml", """
      plans:
        basic:
          rate: {count: 10}
          quotas: [{limit: 100000000, window: month}]
          currency: EUR
          fee: "30.00"
          prices: {summary: {amount: "0.0125", currency: EUR}}
        pro:
          rank: 10
          rate: {count: 10}
          quotas: [{limit: 100000000, window: month}]
          currency: EUR
          fee: "90.00"
          minimum: "50.00"
          prices:
            summary:
              calls: {model: graduated, included: 100, tiers: [{up_to: 1000, unit: "0.003"}, {unit: "0.001"}]}
              bytes_out: {model: per_unit, unit: "0.09", per: 1048576}
            export:
              calls: {model: package, size: 10, amount: "1.10"}
              rows: {model: volume, tiers: [{up_to: 500, unit: "0.02", flat: "1.00"}, {unit: "0.01"}]}
        wallet:
          rank: 5
          rate: {count: 10}
          quotas: [{limit: 100000000, window: month}]
          prepaid: true
          prices: {summary: {amount: "0.004", currency: EUR}, export: {amount: "0.25", currency: EUR}}
      operations:
        - {id: summary, method: GET, path: /s}
        - {id: export, method: GET, path: /e}
      """);
  private static final BillingAnchor ANCHOR = BillingAnchor.of(31, ZoneId.of("Europe/Berlin"));
  private static final Instant AT = Instant.parse("2027-02-15T12:00:00Z");
  private static final Instant START = Invoicing.periodStart(ANCHOR, AT);
  private static final Instant END = Invoicing.periodEnd(ANCHOR, AT);

  @Provide
  Arbitrary<UsageRecord> records() {
    long seconds = END.getEpochSecond() - START.getEpochSecond();
    return Combinators.combine(Arbitraries.longs().between(0, seconds - 1), Arbitraries.of("summary", "export"),
        Arbitraries.longs().between(1, 400), Arbitraries.longs().between(0, 3_000_000),
        Arbitraries.longs().between(0, 900)).as((second, op, calls, bytes, rows) -> new UsageRecord("acme", "key_1", op,
            200, false, START.plusSeconds(second), START.plusSeconds(second + 1), calls, 0, bytes, 1_000, 0,
            op.equals("export") ? Map.of("rows", rows) : Map.of()));
  }

  @Provide
  Arbitrary<List<PlanChange>> plans() {
    long seconds = END.getEpochSecond() - START.getEpochSecond();
    return Combinators.combine(Arbitraries.of("basic", "pro", "wallet").list().ofMinSize(1).ofMaxSize(4),
        Arbitraries.longs().between(1, seconds - 1).list().ofSize(3).map(l -> l.stream().sorted().toList()))
        .as((names, cuts) -> {
          List<PlanChange> out = new ArrayList<>();
          out.add(new PlanChange("acme", names.get(0), START.minusSeconds(86_400)));
          for (int i = 1; i < names.size(); i++) {
            out.add(new PlanChange("acme", names.get(i), START.plusSeconds(cuts.get(i - 1) + i)));
          }
          return out;
        });
  }

  @Property(tries = 300)
  void linesAddUpAndEveryUnitUsedIsBilledOnceWherePriced(@ForAll @Size(max = 40) List<@From("records") UsageRecord> usage,
      @ForAll("plans") List<PlanChange> changes) {
    UsageTotals totals = UsageTotals.of(usage);
    Invoice inv = Invoicing.draft(CATALOG, "acme", ANCHOR, AT, changes, totals).orElseThrow();
    // the charge lines sum to the total, the credits bring it to the amount due, every amount has 2 decimals
    BigDecimal charges = BigDecimal.ZERO;
    BigDecimal credits = BigDecimal.ZERO;
    for (Invoice.Line l : inv.lines()) {
      assertThat(l.amount().scale()).isEqualTo(2);
      if (l.kind() == Invoice.Kind.CREDITS) {
        credits = credits.add(l.amount());
      } else {
        charges = charges.add(l.amount());
      }
    }
    assertThat(inv.total()).isEqualByComparingTo(charges);
    assertThat(inv.amountDue()).isEqualByComparingTo(charges.add(credits));
    assertThat(inv.amountDue().signum()).isGreaterThanOrEqualTo(0);
    // however the period is split, the calls billed are the calls used: the ledger's totals
    UsageTotals.Totals whole = totals.totals("acme", START, END);
    Map<String, Long> billedCalls = new HashMap<>();
    for (Invoice.Line l : inv.lines()) {
      if (l.kind() == Invoice.Kind.USAGE && l.unit().equals(Optional.of("calls"))) {
        billedCalls.merge(l.operation().orElseThrow(), l.quantity(), Long::sum);
      }
    }
    assertThat(billedCalls).isEqualTo(whole.byOperation());
  }

  @Property(tries = 200)
  void splittingAPeriodAtAnyInstantBillsTheSameUnits(@ForAll @Size(max = 40) List<@From("records") UsageRecord> usage,
      @ForAll("plans") List<PlanChange> changes) {
    // the same plan on both sides of a change: the quantities billed per operation and unit do not change
    List<PlanChange> samePlan = changes.stream().map(c -> new PlanChange("acme", "pro", c.since())).toList();
    Map<String, Long> split = quantities(Invoicing.draft(CATALOG, "acme", ANCHOR, AT, samePlan, UsageTotals.of(usage))
        .orElseThrow());
    Map<String, Long> whole = quantities(Invoicing.draft(CATALOG, "acme", ANCHOR, AT, samePlan.subList(0, 1),
        UsageTotals.of(usage)).orElseThrow());
    assertThat(split).isEqualTo(whole);
  }

  private static Map<String, Long> quantities(Invoice inv) {
    Map<String, Long> q = new HashMap<>();
    for (Invoice.Line l : inv.lines()) {
      if (l.kind() == Invoice.Kind.USAGE) {
        q.merge(l.operation().orElseThrow() + "/" + l.unit().orElseThrow(), l.quantity(), Long::sum);
      }
    }
    return q;
  }
}
