package dev.monetize.metering.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.metering.UsageRecord;
import dev.monetize.metering.UsageTotals;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.Customer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The engine's memory ledger: sums of delivered records per period, cut at plan changes, swept when periods end. */
class MemoryLedgerTest {
  private static final Instant NOV = Instant.parse("2026-11-01T00:00:00Z");
  private static final Instant DEC = Instant.parse("2026-12-01T00:00:00Z");

  private final List<String> lookups = new ArrayList<>();
  private final MemoryLedger ledger = new MemoryLedger(id -> {
    lookups.add(id);
    return id.startsWith("gone") ? Optional.empty()
        : Optional.of(new Customer(id, "pro", BillingAnchor.of(1, ZoneOffset.UTC), id));
  });

  private static UsageRecord record(String customer, String op, String from, long calls) {
    Instant f = Instant.parse(from);
    return new UsageRecord(customer, "key_1", op, 200, false, f, f.plusSeconds(1), calls, 7, calls * 10, 3_000, 1_000,
        Map.of());
  }

  @Test
  void sumsEveryQuantityOfTheRecordsThatStartedInTheRange() {
    ledger.add(List.of(record("acme", "stats", "2026-11-03T10:00:00Z", 2), record("acme", "export",
        "2026-11-04T10:00:00Z", 3), record("acme", "stats", "2026-11-05T10:00:00Z", 4),
        record("globex", "stats", "2026-11-05T10:00:00Z", 100)));
    UsageTotals.Totals t = ledger.totals("acme", NOV, DEC);
    assertThat(t.requests()).isEqualTo(9);
    assertThat(t.byOperation()).isEqualTo(Map.of("export", 3L, "stats", 6L));
    assertThat(t.bytesIn()).isEqualTo(21);
    assertThat(t.bytesOut()).isEqualTo(90);
    assertThat(t.computeMillis()).isEqualTo(9);
    assertThat(t.cpuMillis()).isEqualTo(3);
    assertThat(ledger.totals("nobody", NOV, DEC).requests()).isZero();
    assertThat(lookups).containsExactly("acme", "globex"); // the anchor is looked up once per customer
    // a report's widest range (the management API takes instants up to 9999-12-31): past what epoch nanos hold
    assertThat(ledger.totals("acme", Instant.EPOCH, Instant.parse("9999-12-31T23:59:59Z")).requests()).isEqualTo(9);
  }

  /**
   * A plan change recorded in the history just after the first delivery read it to open the
   * customer's account, and cut before that account was there to take the cut: the account reads the
   * history again once it is open, so the part is not lost (its calls were billed on the plan before).
   */
  @Test
  void aChangeCutWhileTheAccountOpensIsNotLost() {
    Instant change = Instant.parse("2026-11-10T00:00:00Z");
    List<Instant> history = new java.util.concurrent.CopyOnWriteArrayList<>();
    MemoryLedger[] racing = new MemoryLedger[1];
    racing[0] = new MemoryLedger(id -> Optional.of(new Customer(id, "pro", BillingAnchor.of(1, ZoneOffset.UTC), id)),
        (id, from, to) -> {
          List<Instant> read = List.copyOf(history);
          if (history.isEmpty()) { // the change lands right after this read, and is cut while the account opens
            history.add(change);
            racing[0].cut(id, change);
          }
          return read;
        });
    racing[0].add(List.of(record("acme", "stats", "2026-11-03T10:00:00Z", 10),
        record("acme", "stats", "2026-11-12T00:00:00Z", 20)));
    assertThat(racing[0].totals("acme", NOV, change).requests()).isEqualTo(10);
    assertThat(racing[0].totals("acme", change, DEC).requests()).isEqualTo(20);
  }

  @Test
  void aPlanChangeCutsThePeriodSoEachPartCountsItsOwnRecords() {
    ledger.add(List.of(record("acme", "stats", "2026-11-03T10:00:00Z", 10)));
    Instant change = Instant.parse("2026-11-10T00:00:00Z");
    ledger.cut("acme", change);
    ledger.add(List.of(record("acme", "stats", "2026-11-10T00:00:00Z", 20),
        record("acme", "stats", "2026-11-20T00:00:00Z", 30)));
    assertThat(ledger.totals("acme", NOV, change).requests()).isEqualTo(10);
    assertThat(ledger.totals("acme", change, DEC).requests()).isEqualTo(50);
    assertThat(ledger.totals("acme", NOV, DEC).requests()).isEqualTo(60);
    ledger.cut("nobody", change); // no usage yet: nothing to cut, nothing kept
    assertThat(ledger.size()).isEqualTo(1);
  }

  @Test
  void aNewPeriodKeepsTheOneBeforeItForItsInvoiceAndForgetsOlderOnes() {
    ledger.add(List.of(record("acme", "stats", "2026-11-30T23:59:59Z", 5)));
    ledger.add(List.of(record("acme", "stats", "2026-12-01T00:00:00Z", 1)));
    Instant jan = Instant.parse("2027-01-01T00:00:00Z");
    assertThat(ledger.totals("acme", DEC, jan).requests()).isEqualTo(1);
    assertThat(ledger.totals("acme", NOV, DEC).requests()).isEqualTo(5); // kept until its invoice is final
    ledger.add(List.of(record("acme", "stats", "2026-11-30T23:59:59Z", 5))); // late, for the last period: counted
    assertThat(ledger.totals("acme", NOV, DEC).requests()).isEqualTo(10);
    ledger.add(List.of(record("acme", "stats", "2026-10-30T23:59:59Z", 5))); // two periods back: gone
    assertThat(ledger.totals("acme", Instant.parse("2026-10-01T00:00:00Z"), jan).requests()).isEqualTo(11);
    ledger.add(List.of(record("acme", "stats", "2027-01-02T00:00:00Z", 2))); // January: November goes
    assertThat(ledger.totals("acme", NOV, DEC).requests()).isZero();
    assertThat(ledger.totals("acme", DEC, jan).requests()).isEqualTo(1);
    ledger.add(List.of(record("gone-1", "stats", "2026-12-01T00:00:00Z", 1))); // deleted customer
    assertThat(ledger.size()).isEqualTo(1);
  }

  @Test
  void customersWhoseLastPeriodEndedLongAgoAreForgottenAsDeliveriesGoOnAtMostOnceAnHour() {
    for (int i = 0; i < 1_000; i++) {
      ledger.add(List.of(record("c" + i, "stats", "2026-11-20T10:00:00Z", 1)));
    }
    assertThat(ledger.size()).isEqualTo(1_000);
    ledger.add(List.of(record("active", "stats", "2026-12-02T10:00:00Z", 1)));
    assertThat(ledger.size()).isEqualTo(1_001); // November is kept until its invoice is due
    ledger.add(List.of(record("active", "stats", "2027-01-09T10:00:00Z", 1)));
    assertThat(ledger.size()).isEqualTo(1); // 38 days after November ended its customers went
    ledger.add(List.of(record("late", "stats", "2026-11-20T10:00:00Z", 1)));
    ledger.add(List.of(record("active", "stats", "2027-01-09T10:30:00Z", 1)));
    assertThat(ledger.size()).isEqualTo(2); // at most one sweep an hour
    ledger.add(List.of(record("active", "stats", "2027-01-09T11:00:01Z", 1)));
    assertThat(ledger.size()).isEqualTo(1);
    assertThat(ledger.totals("active", Instant.parse("2027-01-01T00:00:00Z"), Instant.parse("2027-02-01T00:00:00Z"))
        .requests()).isEqualTo(3);
  }

  @Test
  void aPeriodOpenedAfterAPlanChangeIsCutWhereTheBillingHistorySaysEvenWithoutACut() {
    Instant change = Instant.parse("2026-11-10T00:00:00Z");
    MemoryLedger fromHistory = new MemoryLedger(id -> Optional.of(new Customer(id, "pro",
        BillingAnchor.of(1, ZoneOffset.UTC), id)), (id, from, to) -> List.of(Instant.parse("2026-10-20T00:00:00Z"),
        change)); // the change in force at the start, then one inside the period
    fromHistory.add(List.of(record("acme", "stats", "2026-11-03T10:00:00Z", 2),
        record("acme", "stats", "2026-11-12T10:00:00Z", 5))); // e.g. after a restart, or on another node
    assertThat(fromHistory.totals("acme", NOV, change).requests()).isEqualTo(2);
    assertThat(fromHistory.totals("acme", change, DEC).requests()).isEqualTo(5);
  }

  @Test
  void aRecordWhoseCustomerCannotBeLookedUpWaitsAndIsCountedAtALaterDelivery() {
    java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger(2);
    MemoryLedger flaky = new MemoryLedger(id -> {
      if (failures.getAndDecrement() > 0) {
        throw new IllegalStateException("customer store down");
      }
      return Optional.of(new Customer(id, "pro", BillingAnchor.of(1, ZoneOffset.UTC), id));
    });
    flaky.add(List.of(record("acme", "stats", "2026-11-03T10:00:00Z", 3))); // lookup fails: waits
    assertThat(flaky.totals("acme", NOV, DEC).requests()).isZero();
    flaky.add(List.of(record("acme", "stats", "2026-11-04T10:00:00Z", 4))); // the waiting one fails again, this one too
    flaky.add(List.of()); // a delivery with nothing new still retries
    flaky.add(List.of(record("acme", "stats", "2026-11-05T10:00:00Z", 1)));
    assertThat(flaky.totals("acme", NOV, DEC).requests()).isEqualTo(8); // nothing lost, nothing twice
  }
}
