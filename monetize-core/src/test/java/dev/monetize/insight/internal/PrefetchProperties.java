package dev.monetize.insight.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.billing.BillingHistory;
import dev.monetize.billing.PlanChange;
import dev.monetize.keys.CustomerStore;
import dev.monetize.metering.UsageRecord;
import dev.monetize.metering.UsageTotals;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.Customer;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * What a report reads through {@link Prefetch} is what it would have read from the stores one
 * customer at a time: the plan changes of any range cut from those fetched in a batch (ties at one
 * instant included), and the totals of any range, fetched or not.
 */
class PrefetchProperties {
  private static final Instant T0 = Instant.parse("2026-09-01T00:00:00Z");
  private static final List<String> IDS = List.of("a", "b", "c", "d");

  /** A plan change: customer index, hour after T0 (many share one), plan. */
  record Change(int customer, int hour, String plan) {}

  @Provide
  Arbitrary<List<Change>> changes() {
    return Combinators.combine(Arbitraries.integers().between(0, IDS.size() - 1),
        Arbitraries.integers().between(0, 24 * 120).map(h -> h - h % 12), // ties on purpose
        Arbitraries.of("free", "basic", "pro")).as(Change::new).list().ofMaxSize(25);
  }

  @Property(tries = 300)
  void planChangesCutFromTheBatchAreThoseReadAlone(@ForAll("changes") List<Change> changes,
      @ForAll @IntRange(min = 0, max = 24 * 100) int fromHour, @ForAll @IntRange(min = 0, max = 24 * 40) int hours,
      @ForAll @IntRange(min = 1, max = 28) int billingDay) {
    BillingHistory history = BillingHistory.inMemory();
    CustomerStore store = CustomerStore.inMemory();
    for (int i = 0; i < IDS.size(); i++) {
      store.save(new Customer(IDS.get(i), "free", BillingAnchor.of(i == 0 ? billingDay : 1, ZoneId.of("UTC")),
          IDS.get(i)));
    }
    changes.forEach(c -> history.recordPlanChange(new PlanChange(IDS.get(c.customer()), c.plan(),
        T0.plus(Duration.ofHours(c.hour())))));
    Instant from = T0.plus(Duration.ofHours(fromHour));
    Instant to = from.plus(Duration.ofHours(hours));
    Prefetch data = new Prefetch(store, history, UsageTotals.of(List.of()));
    List<Customer> loaded = data.load(List.of("a", "b", "c", "d", "nobody"), from, to);
    assertThat(loaded).extracting(Customer::id).containsExactly("a", "b", "c", "d");
    assertThat(data.customer("nobody")).isEmpty();
    assertThat(data.customer("a")).isEqualTo(store.find("a"));
    for (Customer c : loaded) { // every billing period a report of [from, to) drafts
      Instant p = dev.monetize.billing.Invoicing.periodStart(c.billingAnchor(), from);
      while (p.isBefore(to) || p.equals(from)) {
        Instant end = dev.monetize.billing.Invoicing.periodEnd(c.billingAnchor(), p);
        for (Instant[] r : List.of(new Instant[] {p, end}, new Instant[] {p, p}, new Instant[] {from.isAfter(p)
            ? from : p, end})) {
          assertThat(data.planChanges(c.id(), r[0], r[1])).as("%s [%s, %s)", c.id(), r[0], r[1])
              .isEqualTo(history.planChanges(c.id(), r[0], r[1]));
        }
        p = end;
      }
    }
    assertThat(data.storeReads()).as("every range inside what was fetched").isZero();
    Instant before = T0.minus(Duration.ofDays(90)); // outside: read from the store, the same answer
    assertThat(data.planChanges("a", before, to)).isEqualTo(history.planChanges("a", before, to));
    assertThat(data.storeReads()).isEqualTo(1);
  }

  @Property(tries = 100)
  void totalsFoundOutWhileWarmingAreFetchedInABatchAndAreThoseReadAlone(
      @ForAll @IntRange(min = 0, max = 200) int seconds, @ForAll @IntRange(min = 1, max = 200) int length) {
    List<UsageRecord> records = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      records.add(new UsageRecord(IDS.get(i % IDS.size()), "k", i % 3 == 0 ? "export" : "stats", 200, false,
          T0.plusSeconds(i * 2L), T0.plusSeconds(i * 2L + 1), 1 + i % 5, 10, 1_500, Map.of("rows", (long) i)));
    }
    UsageTotals ledger = UsageTotals.of(records);
    int[] batches = new int[1];
    UsageTotals counted = new UsageTotals() {
      @Override
      public Totals totals(String customerId, Instant from, Instant to) {
        return ledger.totals(customerId, from, to);
      }

      @Override
      public List<Totals> totals(List<Range> ranges) {
        batches[0]++;
        return UsageTotals.super.totals(ranges);
      }
    };
    CustomerStore store = CustomerStore.inMemory();
    IDS.forEach(id -> store.save(Customer.of(id, "free")));
    Prefetch data = new Prefetch(store, BillingHistory.inMemory(), counted);
    List<Customer> loaded = data.load(IDS, T0, T0);
    Instant from = T0.plusSeconds(seconds);
    Instant to = from.plusSeconds(length);
    UsageTotals view = data.totals();
    // a read that depends on what an earlier one answered, as a range cutting a period does
    data.warm(loaded, c -> {
      if (view.totals(c.id(), from, to).requests() > 0) {
        view.totals(c.id(), T0, to);
      }
    });
    for (Customer c : loaded) {
      assertThat(view.totals(c.id(), from, to)).isEqualTo(ledger.totals(c.id(), from, to));
      if (ledger.totals(c.id(), from, to).requests() > 0) {
        assertThat(view.totals(c.id(), T0, to)).isEqualTo(ledger.totals(c.id(), T0, to));
      }
    }
    boolean anyCalls = loaded.stream().anyMatch(c -> ledger.totals(c.id(), from, to).requests() > 0);
    assertThat(batches[0]).isEqualTo(anyCalls && seconds > 0 ? 2 : 1); // from T0 the second read is the first
    assertThat(data.storeReads()).as("warmed: nothing read alone").isZero();
    assertThat(view.totals("a", T0, T0.plusSeconds(1_000))).isEqualTo(ledger.totals("a", T0, T0.plusSeconds(1_000)));
    assertThat(data.storeReads()).isEqualTo(1);
  }
}
