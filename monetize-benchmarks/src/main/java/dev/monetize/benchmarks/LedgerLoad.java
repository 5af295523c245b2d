package dev.monetize.benchmarks;

import dev.monetize.metering.UsageRecord;
import dev.monetize.postgres.PostgresStore;
import dev.monetize.postgres.PostgresUsageLedger;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The usage ledger under load, on a real PostgreSQL (a schema of its own, dropped after): rows per
 * second from 1, 2 and 4 writers through {@link PostgresUsageLedger#accept} in batches of 500; then
 * ten million rows over twelve months, and the plans ({@code EXPLAIN ANALYZE}) of what invoices and
 * the dashboard ask: one customer's totals for a month, its days, and the customers of a month; then
 * the compaction of one month. Prints one JSON object.
 *
 * <p>{@code java -cp benchmarks.jar dev.monetize.benchmarks.LedgerLoad [rows] [seconds per writer count]}
 */
public final class LedgerLoad {
  private static final String BASE = System.getProperty("jdbc", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
  private static final int CUSTOMERS = 10_000;

  private LedgerLoad() {}

  /** Runs it; prints JSON. */
  public static void main(String[] args) throws Exception {
    long rows = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    String schema = "ledger_load_" + ProcessHandle.current().pid();
    try (Connection admin = DriverManager.getConnection(BASE); Statement s = admin.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    String url = BASE + "&currentSchema=" + schema;
    Map<String, Object> report = new LinkedHashMap<>();
    try (PostgresStore db = PostgresStore.connect(url)) {
      PostgresUsageLedger ledger = new PostgresUsageLedger(db.dataSource());
      Map<String, Object> writers = new LinkedHashMap<>();
      for (int threads : new int[] {1, 2, 4}) {
        writers.put(Integer.toString(threads), write(ledger, threads, seconds));
      }
      report.put("accept_rows_per_s_by_writers", writers);
      try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
        long started = System.nanoTime();
        fill(s, rows);
        report.put("bulk_rows", rows);
        report.put("bulk_seconds", Math.round((System.nanoTime() - started) / 1e9));
        report.put("table_size_mib", value(s, "SELECT sum(pg_total_relation_size(inhrelid)) / 1048576 FROM pg_inherits "
            + "WHERE inhparent = 'monetize_usage'::regclass"));
        report.put("bytes_per_row", value(s, "SELECT sum(pg_total_relation_size(inhrelid)) / greatest(1, (SELECT count(*) "
            + "FROM monetize_usage)) FROM pg_inherits WHERE inhparent = 'monetize_usage'::regclass"));
        String customer = "'c-4242'";
        Map<String, Object> plans = new LinkedHashMap<>();
        plans.put("totals_of_a_customer_for_a_month", explain(s, "SELECT operation_id, sum(calls), sum(bytes_out) "
            + "FROM monetize_usage_all WHERE customer_id = " + customer + " AND period_start >= '2026-06-01T00:00:00Z' "
            + "AND period_start < '2026-07-01T00:00:00Z' GROUP BY operation_id"));
        plans.put("days_of_a_customer_for_a_month", explain(s, "SELECT (period_start AT TIME ZONE 'Europe/Berlin')::date d, "
            + "operation_id, sum(calls) FROM monetize_usage_all WHERE customer_id = " + customer
            + " AND period_start >= '2026-06-01T00:00:00Z' AND period_start < '2026-07-01T00:00:00Z' GROUP BY 1, 2"));
        plans.put("customers_of_a_month", explain(s, "SELECT DISTINCT customer_id FROM monetize_usage_all WHERE "
            + "period_start >= '2026-06-01T00:00:00Z' AND period_start < '2026-07-01T00:00:00Z'"));
        report.put("plans", plans);
        long t0 = System.nanoTime();
        var totals = ledger.totals("c-4242", Instant.parse("2026-06-01T00:00:00Z"), Instant.parse("2026-07-01T00:00:00Z"));
        report.put("ledger_totals_ms", Math.round((System.nanoTime() - t0) / 1e6));
        t0 = System.nanoTime();
        ledger.daily("c-4242", Instant.parse("2026-06-01T00:00:00Z"), Instant.parse("2026-06-30T00:00:00Z"),
            ZoneId.of("Europe/Berlin"));
        report.put("ledger_daily_ms", Math.round((System.nanoTime() - t0) / 1e6));
        Instant augustStart = Instant.parse("2025-08-01T00:00:00Z");
        Instant augustEnd = Instant.parse("2025-09-01T00:00:00Z");
        var august = ledger.totals("c-4242", augustStart, augustEnd);
        t0 = System.nanoTime();
        List<YearMonth> compacted = ledger.compactBefore(YearMonth.of(2025, 12));
        report.put("compacted_months", compacted.size());
        report.put("compaction_seconds", Math.round((System.nanoTime() - t0) / 1e9));
        report.put("rollup_rows_after_compaction", value(s, "SELECT count(*) FROM monetize_usage_rollup"));
        report.put("customer_month_requests", totals.requests());
        report.put("compacted_month_totals_unchanged", august.equals(ledger.totals("c-4242", augustStart, augustEnd)));
      }
    } finally {
      try (Connection admin = DriverManager.getConnection(BASE); Statement s = admin.createStatement()) {
        s.execute("DROP SCHEMA " + schema + " CASCADE");
      }
    }
    System.out.println(json(report, ""));
  }

  /** Rows per second written by {@code threads} writers for {@code seconds}, batches of 500. */
  private static long write(PostgresUsageLedger ledger, int threads, int seconds) throws InterruptedException {
    AtomicLong written = new AtomicLong();
    long until = System.nanoTime() + seconds * 1_000_000_000L;
    List<Thread> running = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String key = "key_" + t; // one writer per instance, each with its own records
      Thread w = new Thread(() -> {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (System.nanoTime() < until) {
          List<UsageRecord> batch = new ArrayList<>(500);
          Instant now = Instant.now();
          for (int i = 0; i < 500; i++) {
            batch.add(new UsageRecord("c-" + random.nextInt(CUSTOMERS), key, "stats.summary", 200, false, now,
                now.plusMillis(1), 1 + random.nextInt(20), 512, 900, 1_000, 400, Map.of()));
          }
          try {
            ledger.accept(batch);
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
          written.addAndGet(batch.size());
        }
      }, "writer-" + t);
      running.add(w);
      w.start();
    }
    for (Thread w : running) {
      w.join();
    }
    return written.get() / seconds;
  }

  /** {@code rows} rows spread evenly over July 2025 to June 2026, 10,000 customers, by SQL. */
  private static void fill(Statement s, long rows) throws SQLException {
    for (int m = 0; m < 12; m++) {
      s.execute("SELECT monetize_usage_partition('2025-07-01T00:00:00Z'::timestamptz + interval '" + m + " months')");
    }
    long chunk = 1_000_000;
    for (long from = 0; from < rows; from += chunk) {
      s.execute("INSERT INTO monetize_usage (id, customer_id, key_id, operation_id, status, overage, period_start, "
          + "period_end, calls, bytes_out, duration_micros, units, bytes_in, cpu_micros) SELECT gen_random_uuid(), "
          + "'c-' || (i % " + CUSTOMERS + "), 'key_1', CASE WHEN i % 3 = 0 THEN 'export' ELSE 'stats.summary' END, "
          + "CASE WHEN i % 50 = 0 THEN 500 ELSE 200 END, false, t, t + interval '1 second', 1 + i % 7, 2048, 1500, "
          + "CASE WHEN i % 10 = 0 THEN '{\"rows\": 12}'::jsonb ELSE '{}'::jsonb END, 100, 800 FROM (SELECT i, "
          + "'2025-07-01T00:00:00Z'::timestamptz + (i * (interval '365 days' / " + rows + ")) AS t "
          + "FROM generate_series(" + from + ", " + Math.min(rows, from + chunk) + " - 1) i) g");
    }
    s.execute("ANALYZE monetize_usage");
  }

  private static Map<String, Object> explain(Statement s, String sql) throws SQLException {
    StringBuilder plan = new StringBuilder();
    try (ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, BUFFERS) " + sql)) {
      while (rs.next()) {
        plan.append(rs.getString(1)).append('\n');
      }
    }
    String text = plan.toString();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("partitions_read", text.lines().filter(l -> l.contains(" on monetize_usage_20")).map(
        l -> l.replaceAll(".* on (monetize_usage_\\d{4}_\\d{2}).*", "$1")).distinct().toList());
    out.put("uses_index", text.contains("Index"));
    out.put("execution_ms", text.lines().filter(l -> l.startsWith("Execution Time")).findFirst()
        .map(l -> l.replaceAll("[^0-9.]", "")).orElse("?"));
    out.put("plan", text);
    return out;
  }

  private static long value(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @SuppressWarnings("unchecked")
  private static String json(Object o, String indent) {
    if (o instanceof Map<?, ?> m) {
      StringBuilder b = new StringBuilder("{");
      String inner = indent + "  ";
      int i = 0;
      for (Map.Entry<?, ?> e : ((Map<Object, Object>) m).entrySet()) {
        b.append(i++ == 0 ? "\n" : ",\n").append(inner).append('"').append(e.getKey()).append("\": ")
            .append(json(e.getValue(), inner));
      }
      return b.append('\n').append(indent).append('}').toString();
    }
    if (o instanceof List<?> l) {
      return "[" + String.join(", ", l.stream().map(x -> json(x, indent)).toList()) + "]";
    }
    if (o instanceof String s) {
      return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }
    return String.format(Locale.ROOT, "%s", o);
  }
}
