package dev.monetize.postgres;

import dev.monetize.testkit.Concurrently;
import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.ApiRequest;
import dev.monetize.Monetize;
import dev.monetize.keys.IssuedKey;
import dev.monetize.metering.UsageRecord;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The usage ledger on a real PostgreSQL: exactly N x M calls under concurrency, and idempotent replays. */
class PostgresUsageLedgerTest {
  private static final Instant EPOCH = Instant.parse("2000-01-01T00:00:00Z");
  private static final Instant FUTURE = Instant.parse("2100-01-01T00:00:00Z");
  private String url;
  private PostgresStore db;
  private PostgresUsageLedger ledger;

  @BeforeEach
  void open() {
    url = PostgresTestSupport.freshSchema();
    db = PostgresStore.connect(url);
    ledger = new PostgresUsageLedger(db.dataSource());
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
    PostgresTestSupport.drop(url);
  }

  @Test
  void replayingABatchChangesNothing() throws Exception {
    UsageRecord r = new UsageRecord("acme", "key_1", "stats", 200, false, Instant.parse("2026-11-24T10:00:00Z"),
        Instant.parse("2026-11-24T10:00:01Z"), 5, 4_096, 500, 1_000, 2_500, Map.of("rows_scanned", 7L));
    UsageRecord other = new UsageRecord("acme", "key_1", "stats", 200, false, Instant.parse("2026-11-24T10:00:01Z"),
        Instant.parse("2026-11-24T10:00:02Z"), 3, 300, 1_000);
    ledger.accept(List.of(r, other));
    ledger.accept(List.of(r, other));
    ledger.accept(List.of(other));
    assertThat(ledger.calls("acme", EPOCH, FUTURE)).isEqualTo(8);
    assertThat(ledger.successfulCalls("acme", EPOCH, FUTURE)).isEqualTo(8);
    assertThat(ledger.calls("globex", EPOCH, FUTURE)).isZero();
    dev.monetize.metering.UsageTotals.Totals t = ledger.totals("acme", EPOCH, FUTURE);
    assertThat(t.bytesIn()).isEqualTo(4_096);
    assertThat(t.bytesOut()).isEqualTo(800);
    assertThat(t.computeMillis()).isEqualTo(2);
    assertThat(t.cpuMillis()).isEqualTo(2);
  }

  @Test
  void perDayTotalsInOneQueryEqualTheTotalsOfEachDay() throws Exception {
    List<UsageRecord> records = new java.util.ArrayList<>();
    Instant t = Instant.parse("2026-11-28T20:00:00Z");
    for (int i = 0; i < 40; i++) { // every 2 h 10 min over three and a half days, two operations, custom units
      Instant at = t.plusSeconds(i * 7_800L);
      records.add(new UsageRecord("acme", "key_1", i % 3 == 0 ? "export" : "stats", 200, false, at, at.plusSeconds(1),
          i + 1, 10L * i, 100L * i, 1_500L * i, 700L * i, i % 4 == 0 ? Map.of("rows", (long) i) : Map.of()));
    }
    records.add(new UsageRecord("globex", "key_2", "stats", 200, false, t, t.plusSeconds(1), 99, 0, 0));
    ledger.accept(records);
    dev.monetize.metering.UsageTotals oneByOne = ledger::totals; // the default: one totals() per day
    Instant from = Instant.parse("2026-11-28T00:00:00Z");
    Instant to = Instant.parse("2026-12-02T12:00:00Z");
    for (java.time.ZoneId zone : List.of(java.time.ZoneOffset.UTC, java.time.ZoneId.of("Europe/Berlin"),
        java.time.ZoneOffset.ofHoursMinutes(5, 30), java.time.ZoneId.of("America/New_York"),
        java.time.ZoneId.of("UTC+14"), java.time.ZoneId.of("GMT-09:30"), java.time.ZoneId.of("Etc/GMT-14"))) {
      var grouped = ledger.daily("acme", from, to, zone);
      assertThat(grouped).as(zone.getId()).isEqualTo(oneByOne.daily("acme", from, to, zone));
      assertThat(grouped.values().stream().mapToLong(x -> x.requests()).sum()).as(zone.getId())
          .isEqualTo(ledger.totals("acme", from, grouped.lastKey().plusDays(1).atStartOfDay(zone).toInstant())
              .requests());
    }
    assertThat(ledger.daily("acme", from, to, java.time.ZoneOffset.UTC)).hasSize(5);
  }

  @Test
  void threadsTimesCallsReachTheLedgerExactly() throws Exception {
    Operation stats = Operation.builder("stats", "GET", "/stats").build();
    Catalog catalog = Catalog.builder()
        .plan(Plan.builder("pro").rate(Rate.perSecond(1_000_000).withBurst(1_000_000)).quota(Quota.daily(1_000_000)).build())
        .operation(stats).build();
    int threads = 8;
    int calls = 50;
    try (Monetize m = Monetize.builder().catalog(catalog).usageSink(ledger).auditSink(b -> { }).build()) {
      m.customers().save(Customer.of("acme", "pro"));
      IssuedKey key = m.keys().issue("acme", Set.of("*"));
      Concurrently.run(threads, t -> {
        for (int i = 0; i < calls; i++) {
          m.admit(stats, ApiRequest.of("GET", "/stats", "10.0.0.1", "r", "Bearer " + key.secret(), null))
              .complete(200, 10);
          if (i % 10 == 0) {
            m.flushUsage(); // flushes race with the calls, as the background flusher does
          }
        }
      });
      assertThat(m.flushUsage()).isTrue();
    }
    assertThat(ledger.successfulCalls("acme", EPOCH, FUTURE)).isEqualTo((long) threads * calls);
  }
}
