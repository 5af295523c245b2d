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
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The usage ledger in PostgreSQL, as a {@link UsageSink}: every record is inserted once, keyed by
 * {@link UsageRecord#id()} with {@code ON CONFLICT DO NOTHING}, in one transaction per batch, so a
 * batch the flusher delivers again (after a timeout, say) changes nothing, and a failed batch is
 * retried whole. Sums per customer and period use the {@code (customer_id, period_start)} index.
 *
 * <pre>{@code
 * PostgresStore db = PostgresStore.connect(url);
 * Monetize.builder().usageSink(new PostgresUsageLedger(db.dataSource())) ...
 * }</pre>
 */
public final class PostgresUsageLedger implements UsageSink, UsageTotals {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String INSERT = "INSERT INTO monetize_usage (id, customer_id, key_id, operation_id, status, "
      + "overage, period_start, period_end, calls, bytes_out, duration_micros, units, bytes_in, cpu_micros) "
      + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?) ON CONFLICT (id) DO NOTHING";

  private final DataSource dataSource;

  /** A ledger on {@code dataSource}, whose schema {@link Migrations} has created. */
  public PostgresUsageLedger(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  @Override
  public void accept(List<UsageRecord> batch) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(INSERT)) {
        for (UsageRecord r : batch) {
          ps.setObject(1, UUID.fromString(r.id()));
          ps.setString(2, r.customerId());
          ps.setString(3, r.keyId());
          ps.setString(4, r.operationId());
          ps.setInt(5, r.status());
          ps.setBoolean(6, r.overage());
          ps.setTimestamp(7, Timestamp.from(r.from()));
          ps.setTimestamp(8, Timestamp.from(r.to()));
          ps.setLong(9, r.calls());
          ps.setLong(10, r.bytesOut());
          ps.setLong(11, r.durationMicros());
          ps.setString(12, units(r));
          ps.setLong(13, r.bytesIn());
          ps.setLong(14, r.cpuMicros());
          ps.addBatch();
        }
        ps.executeBatch();
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private static String units(UsageRecord r) {
    try {
      return JSON.writeValueAsString(r.units());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Sums per operation of every unit, the custom ones from the {@code units} column; milliseconds
   * are the summed microseconds, truncated once per operation (as the engine's memory ledger does).
   */
  @Override
  public java.util.Set<String> customers(Instant from, Instant to) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
        "SELECT DISTINCT customer_id FROM monetize_usage WHERE period_start >= ? AND period_start < ?")) {
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
    String standard = "SELECT operation_id, sum(calls), sum(bytes_in), sum(bytes_out), sum(duration_micros), "
        + "sum(cpu_micros) FROM monetize_usage WHERE customer_id = ? AND period_start >= ? AND period_start < ? "
        + "GROUP BY operation_id";
    String custom = "SELECT operation_id, u.key, sum(u.value::bigint) FROM monetize_usage, jsonb_each_text(units) u "
        + "WHERE customer_id = ? AND period_start >= ? AND period_start < ? AND units <> '{}'::jsonb "
        + "GROUP BY operation_id, u.key";
    try (Connection c = dataSource.getConnection()) {
      long requests = 0;
      long bytesIn = 0;
      long bytesOut = 0;
      long micros = 0;
      long cpuMicros = 0;
      java.util.Map<String, Long> byOperation = new java.util.TreeMap<>();
      java.util.Map<String, java.util.Map<String, Long>> quantities = new java.util.TreeMap<>();
      try (PreparedStatement ps = range(c, standard, customerId, from, to); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String op = rs.getString(1);
          byOperation.put(op, rs.getLong(2));
          requests += rs.getLong(2);
          bytesIn += rs.getLong(3);
          bytesOut += rs.getLong(4);
          micros += rs.getLong(5);
          cpuMicros += rs.getLong(6);
          java.util.Map<String, Long> q = quantities.computeIfAbsent(op, k -> new java.util.HashMap<>());
          q.put("calls", rs.getLong(2));
          q.put("bytes_in", rs.getLong(3));
          q.put("bytes_out", rs.getLong(4));
          q.put("compute_ms", rs.getLong(5) / 1_000);
          q.put("cpu_ms", rs.getLong(6) / 1_000);
        }
      }
      try (PreparedStatement ps = range(c, custom, customerId, from, to); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          quantities.computeIfAbsent(rs.getString(1), k -> new java.util.HashMap<>()).put(rs.getString(2), rs.getLong(3));
        }
      }
      return new Totals(requests, bytesIn, bytesOut, micros / 1_000, cpuMicros / 1_000, byOperation, quantities);
    } catch (SQLException e) {
      throw new PostgresStore.StoreException("reading usage totals", e);
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
    // an offset is given as an interval (PostgreSQL reads '+02:00' as a POSIX zone, west of Greenwich)
    String day = zone instanceof java.time.ZoneOffset ? "(period_start AT TIME ZONE ?::interval)::date"
        : "(period_start AT TIME ZONE ?)::date";
    String zoneText = zone instanceof java.time.ZoneOffset o ? (o.getTotalSeconds() == 0 ? "+00:00" : o.getId())
        : zone.getId();
    String standard = "SELECT " + day + " AS d, operation_id, sum(calls), sum(bytes_in), sum(bytes_out), "
        + "sum(duration_micros), sum(cpu_micros) FROM monetize_usage WHERE customer_id = ? AND period_start >= ? "
        + "AND period_start < ? GROUP BY d, operation_id";
    String custom = "SELECT " + day + " AS d, operation_id, u.key, sum(u.value::bigint) FROM monetize_usage, "
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

  private static PreparedStatement range(Connection c, String sql, String customerId, Instant from, Instant to)
      throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    ps.setString(1, customerId);
    ps.setTimestamp(2, Timestamp.from(from));
    ps.setTimestamp(3, Timestamp.from(to));
    return ps;
  }

  /** Calls of {@code customerId} answered 2xx in records that started in {@code [from, to)}. */
  public long successfulCalls(String customerId, Instant from, Instant to) {
    return sum("SELECT coalesce(sum(calls), 0) FROM monetize_usage WHERE customer_id = ? AND period_start >= ? "
        + "AND period_start < ? AND status BETWEEN 200 AND 299", customerId, from, to);
  }

  /** All calls of {@code customerId} in records that started in {@code [from, to)}. */
  public long calls(String customerId, Instant from, Instant to) {
    return sum("SELECT coalesce(sum(calls), 0) FROM monetize_usage WHERE customer_id = ? AND period_start >= ? "
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
