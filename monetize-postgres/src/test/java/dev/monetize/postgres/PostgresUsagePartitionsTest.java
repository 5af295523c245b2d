package dev.monetize.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.monetize.metering.UsageRecord;
import dev.monetize.metering.UsageTotals;
import dev.monetize.testkit.Concurrently;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The ledger's months: one partition each, read only when a period needs them, created by
 * concurrent writers without a race, kept when upgrading from the unpartitioned table, and rolled up
 * into quarter-hour totals that answer every period starting and ending on a quarter hour (every
 * time zone's midnight) exactly as the raw rows did.
 */
class PostgresUsagePartitionsTest {
  private static final Instant EPOCH = Instant.parse("2000-01-01T00:00:00Z");
  private static final Instant FUTURE = Instant.parse("2100-01-01T00:00:00Z");
  private String url;
  private PGSimpleDataSource dataSource;

  @BeforeEach
  void open() {
    url = PostgresTestSupport.freshSchema();
    dataSource = new PGSimpleDataSource();
    dataSource.setURL(url);
  }

  @AfterEach
  void close() {
    PostgresTestSupport.drop(url);
  }

  private static UsageRecord record(String customer, Instant at, long calls, Map<String, Long> units) {
    return new UsageRecord(customer, "key_1", calls % 2 == 0 ? "stats" : "export", calls % 5 == 0 ? 500 : 200, false,
        at, at.plusMillis(1_234), calls, 3 * calls, 10 * calls, 1_001 * calls, 777 * calls, units);
  }

  /** Records over three months, every 97 minutes, some with custom units. */
  private static List<UsageRecord> threeMonths(String customer) {
    List<UsageRecord> out = new ArrayList<>();
    Instant t = Instant.parse("2025-01-01T00:03:00.123456789Z");
    for (int i = 0; i < 2_000; i++) {
      out.add(record(customer, t.plusSeconds(i * 97L * 60), 1 + i % 7, i % 3 == 0 ? Map.of("rows", (long) i) : Map.of()));
    }
    return out;
  }

  private List<String> partitions() throws Exception {
    List<String> names = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            + "WHERE i.inhparent = 'monetize_usage'::regclass ORDER BY 1")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }

  @Test
  void aPeriodReadsOnlyItsMonthsThroughTheirIndex() throws Exception {
    Migrations.migrate(dataSource);
    PostgresUsageLedger ledger = new PostgresUsageLedger(dataSource);
    List<UsageRecord> records = new ArrayList<>();
    for (int c = 0; c < 40; c++) {
      records.addAll(threeMonths("customer-" + c));
    }
    for (int i = 0; i < records.size(); i += 5_000) {
      ledger.accept(records.subList(i, Math.min(records.size(), i + 5_000)));
    }
    assertThat(partitions()).contains("monetize_usage_2025_01", "monetize_usage_2025_02", "monetize_usage_2025_03");
    StringBuilder plan = new StringBuilder();
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("ANALYZE monetize_usage");
      try (ResultSet rs = s.executeQuery("EXPLAIN SELECT operation_id, sum(calls) FROM monetize_usage_all "
          + "WHERE customer_id = 'customer-7' AND period_start >= '2025-02-01T00:00:00Z' "
          + "AND period_start < '2025-03-01T00:00:00Z' GROUP BY operation_id")) {
        while (rs.next()) {
          plan.append(rs.getString(1)).append('\n');
        }
      }
    }
    assertThat(plan.toString()).contains("monetize_usage_2025_02").doesNotContain("monetize_usage_2025_01")
        .doesNotContain("monetize_usage_2025_03").containsPattern("Index|Bitmap Index");
  }

  @Test
  void writersStartingAMonthTogetherCountEveryCallOnce() throws Exception {
    Migrations.migrate(dataSource);
    Instant month = Instant.parse("2024-06-30T23:59:59Z");
    int threads = 8;
    List<List<UsageRecord>> batches = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      List<UsageRecord> batch = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        Instant at = month.plusSeconds(i); // across the end of June into July
        batch.add(new UsageRecord("acme", "key_" + t, "stats", 200, false, at, at.plusMillis(5), 1, 0, 0));
      }
      batches.add(batch);
    }
    Concurrently.run(threads, t -> {
      PostgresUsageLedger own = new PostgresUsageLedger(dataSource); // one ledger per JVM, say
      try {
        own.accept(batches.get(t));
        own.accept(batches.get(t)); // a redelivery changes nothing
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(new PostgresUsageLedger(dataSource).calls("acme", EPOCH, FUTURE)).isEqualTo(threads * 50L);
    assertThat(partitions()).contains("monetize_usage_2024_06", "monetize_usage_2024_07");
  }

  @Test
  void overlappingBatchesInAnyOrderWaitForEachOtherInsteadOfDeadlocking() throws Exception {
    Migrations.migrate(dataSource);
    List<UsageRecord> records = new ArrayList<>();
    Instant at = Instant.parse("2025-03-10T10:00:00Z");
    for (int i = 0; i < 300; i++) {
      records.add(new UsageRecord("c-" + (i % 40), "key_" + i, "stats", 200, false, at, at.plusSeconds(1), 1, 0, 0));
    }
    Concurrently.run(4, t -> {
      PostgresUsageLedger own = new PostgresUsageLedger(dataSource);
      java.util.Random random = new java.util.Random(t);
      for (int round = 0; round < 15; round++) {
        List<UsageRecord> shuffled = new ArrayList<>(records);
        java.util.Collections.shuffle(shuffled, random); // every delivery in its own order
        try {
          own.accept(shuffled);
        } catch (java.sql.SQLException e) {
          throw new IllegalStateException(e);
        }
      }
    });
    assertThat(new PostgresUsageLedger(dataSource).calls("c-7", EPOCH, FUTURE)).isEqualTo(8); // 300 / 40, rounded up
    assertThat(count("SELECT coalesce(sum(calls), 0) FROM monetize_usage")).isEqualTo(300);
  }

  @Test
  void compactedMonthsAnswerEveryHourAlignedPeriodAsTheRawRowsDid() throws Exception {
    Migrations.migrate(dataSource);
    PostgresUsageLedger ledger = new PostgresUsageLedger(dataSource);
    List<UsageRecord> records = threeMonths("acme");
    ledger.accept(records);
    ledger.accept(threeMonths("globex"));
    List<Instant[]> periods = List.of(new Instant[] {EPOCH, FUTURE},
        new Instant[] {Instant.parse("2025-01-15T07:00:00Z"), Instant.parse("2025-02-03T13:00:00Z")},
        new Instant[] {Instant.parse("2025-02-01T00:00:00Z"), Instant.parse("2025-03-01T00:00:00Z")},
        // a billing period in Asia/Kolkata (+05:30) and one in Asia/Kathmandu (+05:45)
        new Instant[] {Instant.parse("2025-01-09T18:30:00Z"), Instant.parse("2025-02-09T18:30:00Z")},
        new Instant[] {Instant.parse("2025-01-20T18:15:00Z"), Instant.parse("2025-02-20T18:15:00Z")});
    List<UsageTotals.Totals> before = new ArrayList<>();
    List<Long> successfulBefore = new ArrayList<>();
    for (Instant[] p : periods) {
      before.add(ledger.totals("acme", p[0], p[1]));
      successfulBefore.add(ledger.successfulCalls("acme", p[0], p[1]));
    }
    List<java.time.ZoneId> zones = List.of(java.time.ZoneId.of("Europe/Berlin"), java.time.ZoneId.of("Asia/Kolkata"),
        java.time.ZoneId.of("Asia/Kathmandu"), java.time.ZoneOffset.ofHoursMinutes(-9, -30));
    List<Object> dailyBefore = new ArrayList<>();
    for (java.time.ZoneId zone : zones) {
      dailyBefore.add(ledger.daily("acme", periods.get(1)[0], periods.get(1)[1], zone));
    }

    assertThat(ledger.compactBefore(YearMonth.of(2025, 3))).containsExactly(YearMonth.of(2025, 1), YearMonth.of(2025, 2));

    assertThat(partitions()).doesNotContain("monetize_usage_2025_01", "monetize_usage_2025_02")
        .contains("monetize_usage_2025_03");
    for (int i = 0; i < periods.size(); i++) {
      Instant[] p = periods.get(i);
      assertThat(ledger.totals("acme", p[0], p[1])).as("period %d", i).isEqualTo(before.get(i));
      assertThat(ledger.successfulCalls("acme", p[0], p[1])).isEqualTo(successfulBefore.get(i));
    }
    for (int i = 0; i < zones.size(); i++) {
      assertThat(ledger.daily("acme", periods.get(1)[0], periods.get(1)[1], zones.get(i))).as(zones.get(i).getId())
          .isEqualTo(dailyBefore.get(i));
    }
    assertThat(ledger.customers(EPOCH, FUTURE)).containsExactly("acme", "globex");

    // the journal redelivers a January record: kept aside, not counted again
    ledger.accept(List.of(records.get(0)));
    assertThat(ledger.totals("acme", EPOCH, FUTURE)).isEqualTo(before.get(0));
    assertThat(count("SELECT count(*) FROM monetize_usage_late")).isEqualTo(1);
    // nothing left to compact before March; the recent months are refused
    assertThat(ledger.compactBefore(YearMonth.of(2025, 3))).isEmpty();
    YearMonth now = YearMonth.now(ZoneOffset.UTC);
    assertThatThrownBy(() -> ledger.compactBefore(now)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least a month ago");
  }

  @Test
  void upgradingFromTheUnpartitionedLedgerKeepsEveryRowAndItsIdempotence() throws Exception {
    Migrations.migrate(dataSource, 7);
    Instant at = Instant.parse("2025-05-31T23:59:59.999999700Z"); // rounds up into June, as the driver rounds
    UsageRecord old = record("acme", at, 4, Map.of("rows", 9L));
    UsageRecord older = record("acme", Instant.parse("2024-12-10T10:00:00Z"), 3, Map.of());
    try (Connection c = DriverManager.getConnection(url);
        var ps = c.prepareStatement("INSERT INTO monetize_usage (id, customer_id, key_id, operation_id, status, overage, "
            + "period_start, period_end, calls, bytes_out, duration_micros, units, bytes_in, cpu_micros) "
            + "VALUES (?, ?, 'key_1', ?, 200, false, ?, ?, ?, 0, 0, ?::jsonb, 0, 0)")) {
      for (UsageRecord r : List.of(old, older)) {
        ps.setObject(1, UUID.fromString(r.id()));
        ps.setString(2, r.customerId());
        ps.setString(3, r.operationId());
        ps.setTimestamp(4, java.sql.Timestamp.from(r.from()));
        ps.setTimestamp(5, java.sql.Timestamp.from(r.to()));
        ps.setLong(6, r.calls());
        ps.setString(7, r.units().isEmpty() ? "{}" : "{\"rows\": 9}");
        ps.executeUpdate();
      }
    }
    assertThat(Migrations.migrate(dataSource)).isEqualTo(Migrations.FILES.size() - 7); // V8 and every one after it
    assertThat(partitions()).contains("monetize_usage_2024_12", "monetize_usage_2025_06");
    PostgresUsageLedger ledger = new PostgresUsageLedger(dataSource);
    assertThat(ledger.calls("acme", EPOCH, FUTURE)).isEqualTo(7);
    ledger.accept(List.of(old, older)); // redelivered after the upgrade: still the same rows
    assertThat(ledger.calls("acme", EPOCH, FUTURE)).isEqualTo(7);
    assertThat(ledger.totals("acme", EPOCH, FUTURE).quantities().get(old.operationId())).containsEntry("rows", 9L);
  }

  private long count(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
