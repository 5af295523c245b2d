package dev.monetize.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.metering.UsageRecord;
import dev.monetize.metering.UsageSink;
import dev.monetize.metering.UsageTotals;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The usage ledger in PostgreSQL, as a {@link UsageSink}: every record is inserted once, keyed by
 * {@link UsageRecord#id()} with {@code ON CONFLICT DO NOTHING}, in one transaction per batch, so a
 * batch the flusher delivers again (after a timeout, say) changes nothing, and a failed batch is
 * retried whole. A batch is one {@code INSERT ... SELECT FROM unnest(...)} statement, whatever its
 * size. Rows live in one partition per month (UTC), created ahead of time and on demand; sums per
 * customer and period read only the months of the period, through each partition's
 * {@code (customer_id, period_start)} index. Old months can be rolled up into quarter-hour totals and
 * their partitions dropped ({@link #compactBefore}); every query reads raw rows and totals alike.
 *
 * <pre>{@code
 * PostgresStore db = PostgresStore.connect(url);
 * Monetize.builder().usageSink(new PostgresUsageLedger(db.dataSource())) ...
 * }</pre>
 */
public final class PostgresUsageLedger implements UsageSink, UsageTotals {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PostgresUsageLedger.class);
  /** One statement per batch, whatever its size: the columns as arrays, unnested into rows. */
  private static final String INSERT = " (id, customer_id, key_id, operation_id, status, "
      + "overage, period_start, period_end, calls, bytes_out, duration_micros, units, bytes_in, cpu_micros) "
      + "SELECT * FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::int[], ?::boolean[], "
      + "?::text[]::timestamptz[], ?::text[]::timestamptz[], ?::bigint[], ?::bigint[], ?::bigint[], "
      + "?::text[]::jsonb[], ?::bigint[], ?::bigint[]) ON CONFLICT (id, period_start) DO NOTHING";
  /** PostgreSQL's code for a row that no partition takes (its month was compacted by another JVM). */
  private static final String NO_PARTITION = "23514";

  private final DataSource dataSource;
  private final UsagePartitions partitions;

  /**
   * A ledger on {@code dataSource}, whose schema {@link Migrations} has created; the partitions of
   * this month and the next are created now if missing.
   */
  public PostgresUsageLedger(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.partitions = new UsagePartitions(dataSource);
    YearMonth now = YearMonth.now(java.time.ZoneOffset.UTC);
    try {
      partitions.open(now);
      partitions.open(now.plusMonths(1));
    } catch (SQLException e) {
      LOG.warn("could not create the usage partitions of {} and {} ahead of time (the first batch of each "
          + "month will): {}", now, now.plusMonths(1), e.getMessage());
    }
  }

  /**
   * Inserts the batch in one statement and one transaction. A record of a month already compacted
   * ({@link #compactBefore}) goes to {@code monetize_usage_late} instead: kept, never counted twice.
   */
  @Override
  public void accept(List<UsageRecord> batch) throws SQLException {
    try {
      insert(batch);
    } catch (SQLException e) {
      if (!NO_PARTITION.equals(e.getSQLState())) {
        throw e;
      }
      partitions.forget(); // another JVM compacted a month we thought open: ask again, once
      insert(batch);
    }
  }

  private void insert(List<UsageRecord> batch) throws SQLException {
    List<UsageRecord> current = new ArrayList<>(batch.size());
    List<UsageRecord> late = new ArrayList<>(0);
    for (UsageRecord r : batch) {
      // the month of the start as stored (rounded to the microsecond), which decides its partition
      (partitions.open(UsagePartitions.monthOf(Instant.parse(micros(r.from())))) ? current : late).add(r);
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        insert(c, "monetize_usage", current);
        insert(c, "monetize_usage_late", late);
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    }
    if (!late.isEmpty()) {
      LOG.warn("{} usage records arrived for a compacted month; kept in monetize_usage_late, not counted",
          late.size());
    }
  }

  private static void insert(Connection c, String table, List<UsageRecord> batch) throws SQLException {
    if (batch.isEmpty()) {
      return;
    }
    // in the order of their keys: two batches that share records (a redelivery racing a flush) lock
    // them in the same order and wait for each other instead of deadlocking
    int n = batch.size();
    UUID[] order = new UUID[n];
    java.util.Map<UUID, UsageRecord> byId = new java.util.HashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      order[i] = UUID.fromString(batch.get(i).id()); // the record's digest, computed once
      byId.put(order[i], batch.get(i));
    }
    java.util.Arrays.sort(order);
    List<UsageRecord> rows = new ArrayList<>(n);
    for (UUID id : order) {
      rows.add(byId.get(id)); // a record twice in one batch is the same record: either copy does
    }
    Object[] ids = new Object[n];
    String[] customers = new String[n];
    String[] keys = new String[n];
    String[] operations = new String[n];
    Object[] statuses = new Object[n];
    Object[] overages = new Object[n];
    String[] starts = new String[n];
    String[] ends = new String[n];
    Object[] calls = new Object[n];
    Object[] bytesOut = new Object[n];
    Object[] micros = new Object[n];
    String[] units = new String[n];
    Object[] bytesIn = new Object[n];
    Object[] cpu = new Object[n];
    for (int i = 0; i < n; i++) {
      UsageRecord r = rows.get(i);
      ids[i] = order[i];
      customers[i] = r.customerId();
      keys[i] = r.keyId();
      operations[i] = r.operationId();
      statuses[i] = r.status();
      overages[i] = r.overage();
      starts[i] = micros(r.from());
      ends[i] = micros(r.to());
      calls[i] = r.calls();
      bytesOut[i] = r.bytesOut();
      micros[i] = r.durationMicros();
      units[i] = units(r);
      bytesIn[i] = r.bytesIn();
      cpu[i] = r.cpuMicros();
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + INSERT)) {
      ps.setArray(1, c.createArrayOf("uuid", ids));
      ps.setArray(2, c.createArrayOf("text", customers));
      ps.setArray(3, c.createArrayOf("text", keys));
      ps.setArray(4, c.createArrayOf("text", operations));
      ps.setArray(5, c.createArrayOf("int4", statuses));
      ps.setArray(6, c.createArrayOf("bool", overages));
      ps.setArray(7, c.createArrayOf("text", starts));
      ps.setArray(8, c.createArrayOf("text", ends));
      ps.setArray(9, c.createArrayOf("int8", calls));
      ps.setArray(10, c.createArrayOf("int8", bytesOut));
      ps.setArray(11, c.createArrayOf("int8", micros));
      ps.setArray(12, c.createArrayOf("text", units));
      ps.setArray(13, c.createArrayOf("int8", bytesIn));
      ps.setArray(14, c.createArrayOf("int8", cpu));
      ps.executeUpdate();
    }
  }

  /**
   * An instant as PostgreSQL stores it: rounded to the microsecond (half up, as the JDBC driver
   * rounds a {@code Timestamp}), so a record written by an earlier version still conflicts with itself.
   */
  private static String micros(Instant at) {
    long nanos = at.getNano();
    long rounded = (nanos + 500) / 1_000 * 1_000;
    return (rounded == 1_000_000_000L ? Instant.ofEpochSecond(at.getEpochSecond() + 1)
        : Instant.ofEpochSecond(at.getEpochSecond(), rounded)).toString();
  }

  /**
   * Rolls the raw rows of every month before {@code before} (UTC) up into quarter-hour totals per
   * customer, operation and status, and drops the month's partition: the totals, invoices and
   * daily views of those months stay exact for any period that starts and ends on a quarter hour
   * (every time zone's midnight). The current and the previous month are refused (the journal may
   * still redeliver into them). Returns the months compacted, oldest first.
   */
  public List<YearMonth> compactBefore(YearMonth before) {
    Objects.requireNonNull(before, "before");
    YearMonth latest = YearMonth.now(java.time.ZoneOffset.UTC).minusMonths(1);
    if (before.isAfter(latest)) {
      throw new IllegalArgumentException("usage is compacted only for months that ended at least a month ago: "
          + "before must be " + latest + " or earlier, got " + before);
    }
    try {
      return partitions.compactBefore(before);
    } catch (SQLException e) {
      throw new PostgresStore.StoreException("compacting usage before " + before, e);
    }
  }

  private static String units(UsageRecord r) {
    try {
      return JSON.writeValueAsString(r.units());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The customers with a record that started in {@code [from, to)}, in id order. */
  @Override
  public java.util.Set<String> customers(Instant from, Instant to) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
        "SELECT DISTINCT customer_id FROM monetize_usage_all WHERE period_start >= ? AND period_start < ?")) {
      ps.setTimestamp(1, Timestamp.from(from));
      ps.setTimestamp(2, Timestamp.from(to));
      java.util.Set<String> out = new java.util.TreeSet<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot list the customers of the usage ledger: " + e.getMessage(), e);
    }
  }

  @Override
  public Totals totals(String customerId, Instant from, Instant to) {
    try (Connection c = dataSource.getConnection()) {
      return LedgerTotals.of(c, customerId, from, to);
    } catch (SQLException e) {
      throw new PostgresStore.StoreException("reading usage totals", e);
    }
  }

  /**
   * Two grouped queries per thousand ranges, whatever their customers and bounds
   * ({@link LedgerTotals#of(Connection, java.util.List)}).
   */
  @Override
  public java.util.List<Totals> totals(java.util.List<Range> ranges) {
    java.util.List<Totals> out = new java.util.ArrayList<>(ranges.size());
    try (Connection c = dataSource.getConnection()) {
      for (int i = 0; i < ranges.size(); i += LedgerTotals.RANGES_PER_QUERY) {
        out.addAll(LedgerTotals.of(c, ranges.subList(i, Math.min(ranges.size(), i + LedgerTotals.RANGES_PER_QUERY))));
      }
      return out;
    } catch (SQLException e) {
      throw new PostgresStore.StoreException("reading usage totals of " + ranges.size() + " ranges", e);
    }
  }

  /**
   * The totals per day of {@code zone} in one pass over the period's rows (two grouped queries), not
   * one query per day: the day of a record is the date of its start in that zone, as PostgreSQL reads
   * the zone (an IANA name, or a fixed offset).
   */
  @Override
  public java.util.SortedMap<java.time.LocalDate, Totals> daily(String customerId, Instant from, Instant to,
      java.time.ZoneId zone) {
    java.time.LocalDate first = from.atZone(zone).toLocalDate();
    java.time.LocalDate last = to.atZone(zone).toLocalDate();
    Instant end = last.plusDays(1).atStartOfDay(zone).toInstant();
    // a fixed offset is given as an interval: PostgreSQL reads '+02:00', 'UTC+02:00' and 'GMT+02:00' as POSIX
    // zones, west of Greenwich (Java's ZoneId.of("UTC+14") is east of it)
    java.util.Optional<java.time.ZoneOffset> fixed = zone.getRules().isFixedOffset()
        ? java.util.Optional.of(zone.getRules().getOffset(Instant.EPOCH)) : java.util.Optional.empty();
    String day = fixed.isPresent() ? "(period_start AT TIME ZONE ?::interval)::date"
        : "(period_start AT TIME ZONE ?)::date";
    String zoneText = fixed.map(o -> o.getTotalSeconds() == 0 ? "+00:00" : o.getId()).orElse(zone.getId());
    String standard = "SELECT " + day + " AS d, operation_id, sum(calls), sum(bytes_in), sum(bytes_out), "
        + "sum(duration_micros), sum(cpu_micros) FROM monetize_usage_all WHERE customer_id = ? AND period_start >= ? "
        + "AND period_start < ? GROUP BY d, operation_id";
    String custom = "SELECT " + day + " AS d, operation_id, u.key, sum(u.value::bigint) FROM monetize_usage_all, "
        + "jsonb_each_text(units) u WHERE customer_id = ? AND period_start >= ? AND period_start < ? "
        + "AND units <> '{}'::jsonb GROUP BY d, operation_id, u.key";
    java.util.Map<java.time.LocalDate, java.util.Map<String, java.util.Map<String, Long>>> quantities = new java.util.HashMap<>();
    try (Connection c = dataSource.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement(standard)) {
        bind(ps, zoneText, customerId, from, end);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            java.util.Map<String, Long> q = quantities.computeIfAbsent(rs.getObject(1, java.time.LocalDate.class),
                k -> new java.util.TreeMap<>()).computeIfAbsent(rs.getString(2), k -> new java.util.HashMap<>());
            q.put("calls", rs.getLong(3));
            q.put("bytes_in", rs.getLong(4));
            q.put("bytes_out", rs.getLong(5));
            q.put("compute_ms", rs.getLong(6) / 1_000);
            q.put("cpu_ms", rs.getLong(7) / 1_000);
            q.put("micros", rs.getLong(6)); // summed exactly below, then dropped
            q.put("cpu_micros", rs.getLong(7));
          }
        }
      }
      try (PreparedStatement ps = c.prepareStatement(custom)) {
        bind(ps, zoneText, customerId, from, end);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            quantities.computeIfAbsent(rs.getObject(1, java.time.LocalDate.class), k -> new java.util.TreeMap<>())
                .computeIfAbsent(rs.getString(2), k -> new java.util.HashMap<>()).put(rs.getString(3), rs.getLong(4));
          }
        }
      }
    } catch (SQLException e) {
      throw new PostgresStore.StoreException("reading usage per day", e);
    }
    java.util.SortedMap<java.time.LocalDate, Totals> out = new java.util.TreeMap<>();
    for (java.time.LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
      long requests = 0;
      long bytesIn = 0;
      long bytesOut = 0;
      long micros = 0;
      long cpuMicros = 0;
      java.util.Map<String, Long> byOperation = new java.util.TreeMap<>();
      java.util.Map<String, java.util.Map<String, Long>> units = new java.util.TreeMap<>();
      for (var e : quantities.getOrDefault(d, java.util.Map.of()).entrySet()) {
        java.util.Map<String, Long> q = new java.util.HashMap<>(e.getValue());
        long calls = q.getOrDefault("calls", 0L);
        if (q.containsKey("calls")) {
          byOperation.put(e.getKey(), calls);
        }
        requests += calls;
        bytesIn += q.getOrDefault("bytes_in", 0L);
        bytesOut += q.getOrDefault("bytes_out", 0L);
        micros += q.getOrDefault("micros", 0L);
        cpuMicros += q.getOrDefault("cpu_micros", 0L);
        q.remove("micros");
        q.remove("cpu_micros");
        units.put(e.getKey(), q);
      }
      out.put(d, new Totals(requests, bytesIn, bytesOut, micros / 1_000, cpuMicros / 1_000, byOperation, units));
    }
    return out;
  }

  private static void bind(PreparedStatement ps, String zone, String customerId, Instant from, Instant to)
      throws SQLException {
    ps.setString(1, zone);
    ps.setString(2, customerId);
    ps.setTimestamp(3, Timestamp.from(from));
    ps.setTimestamp(4, Timestamp.from(to));
  }

  /**
   * One grouped query over the raw rows, at most ten seconds of query (fifteen of silence on the
   * connection: it runs on a request's thread): the
   * engine restores the quotas it counts in memory from it, and a quota's window lies in the current
   * or the previous month, which are never compacted. Months compacted
   * ({@link #compactBefore}) have no key ids: their calls are not in the answer.
   */
  @Override
  public java.util.Optional<java.util.Map<String, java.util.Map<String, Long>>> callsPerKey(String customerId,
      Instant from, Instant to) {
    try (Connection c = dataSource.getConnection()) {
      int before = networkTimeout(c, 15_000); // a connection that died silently: a query timeout cannot reach it
      try {
        return callsPerKey(c, customerId, from, to);
      } finally {
        if (before >= 0 && !c.isClosed()) { // a connection the timeout closed goes back to no pool
          networkTimeout(c, before);
        }
      }
    } catch (SQLException e) {
      throw new PostgresStore.StoreException("reading calls per key", e);
    }
  }

  /** Sets the connection's network timeout; the one it had, or -1 where the driver has none (the query timeout alone). */
  private static int networkTimeout(Connection c, int millis) {
    try {
      int before = c.getNetworkTimeout();
      c.setNetworkTimeout(Runnable::run, millis);
      return before;
    } catch (SQLException | AbstractMethodError e) {
      return -1;
    }
  }

  private static java.util.Optional<java.util.Map<String, java.util.Map<String, Long>>> callsPerKey(Connection c,
      String customerId, Instant from, Instant to) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT key_id, operation_id, sum(calls) FROM monetize_usage WHERE customer_id = ? AND period_start >= ? "
            + "AND period_start < ? GROUP BY key_id, operation_id")) {
      ps.setQueryTimeout(10);
      ps.setString(1, customerId);
      ps.setTimestamp(2, Timestamp.from(from));
      ps.setTimestamp(3, Timestamp.from(to));
      java.util.Map<String, java.util.Map<String, Long>> out = new java.util.TreeMap<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.computeIfAbsent(rs.getString(1), k -> new java.util.TreeMap<>()).put(rs.getString(2), rs.getLong(3));
        }
      }
      return java.util.Optional.of(out);
    }
  }

  /** Calls of {@code customerId} answered 2xx in records that started in {@code [from, to)}. */
  public long successfulCalls(String customerId, Instant from, Instant to) {
    return sum("SELECT coalesce(sum(calls), 0) FROM monetize_usage_all WHERE customer_id = ? AND period_start >= ? "
        + "AND period_start < ? AND status BETWEEN 200 AND 299", customerId, from, to);
  }

  /** All calls of {@code customerId} in records that started in {@code [from, to)}. */
  public long calls(String customerId, Instant from, Instant to) {
    return sum("SELECT coalesce(sum(calls), 0) FROM monetize_usage_all WHERE customer_id = ? AND period_start >= ? "
        + "AND period_start < ?", customerId, from, to);
  }

  private long sum(String sql, String customerId, Instant from, Instant to) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, customerId);
      ps.setTimestamp(2, Timestamp.from(from));
      ps.setTimestamp(3, Timestamp.from(to));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new PostgresStore.StoreException("summing usage", e);
    }
  }
}
