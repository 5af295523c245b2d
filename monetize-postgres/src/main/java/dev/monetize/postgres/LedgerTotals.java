package dev.monetize.postgres;

import dev.monetize.metering.UsageTotals.Range;
import dev.monetize.metering.UsageTotals.Totals;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The usage ledger's totals read with grouped queries: one range, or a batch of ranges joined to
 * the ledger as arrays. Per operation, every standard unit and the custom ones from the
 * {@code units} column; milliseconds are the summed microseconds, truncated once per operation (as
 * the engine's memory ledger does).
 */
final class LedgerTotals {
  /** At most this many ranges per round trip of {@link #of(Connection, List)}. */
  static final int RANGES_PER_QUERY = 1_000;

  private LedgerTotals() {
  }

  /** The totals of {@code customerId} over the records that started in {@code [from, to)}: two queries. */
  static Totals of(Connection c, String customerId, Instant from, Instant to) throws SQLException {
    String standard = "SELECT operation_id, sum(calls), sum(bytes_in), sum(bytes_out), sum(duration_micros), "
        + "sum(cpu_micros) FROM monetize_usage_all WHERE customer_id = ? AND period_start >= ? AND period_start < ? "
        + "GROUP BY operation_id";
    String custom = "SELECT operation_id, u.key, sum(u.value::bigint) FROM monetize_usage_all, jsonb_each_text(units) u "
        + "WHERE customer_id = ? AND period_start >= ? AND period_start < ? AND units <> '{}'::jsonb "
        + "GROUP BY operation_id, u.key";
    Sums sums = new Sums();
    for (boolean first : new boolean[] {true, false}) {
      try (PreparedStatement ps = c.prepareStatement(first ? standard : custom)) {
        ps.setString(1, customerId);
        ps.setTimestamp(2, Timestamp.from(from));
        ps.setTimestamp(3, Timestamp.from(to));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            sums.add(rs, 1, first);
          }
        }
      }
    }
    return sums.totals();
  }

  /**
   * The totals of each of at most {@link #RANGES_PER_QUERY} ranges, in order: two queries, the ranges
   * joined to the ledger as arrays ({@code unnest ... WITH ORDINALITY}) and each row summed into the
   * range it falls in, so that a range's totals are exactly those of {@link #of(Connection, String,
   * Instant, Instant)} (ranges that overlap each count the same record).
   */
  static List<Totals> of(Connection c, List<Range> ranges) throws SQLException {
    String joined = " FROM unnest(?::text[], ?::timestamptz[], ?::timestamptz[]) WITH ORDINALITY AS q(customer_id, "
        + "from_at, to_at, i) JOIN monetize_usage_all u ON u.customer_id = q.customer_id AND u.period_start >= q.from_at "
        + "AND u.period_start < q.to_at";
    String standard = "SELECT q.i, u.operation_id, sum(u.calls), sum(u.bytes_in), sum(u.bytes_out), "
        + "sum(u.duration_micros), sum(u.cpu_micros)" + joined + " GROUP BY q.i, u.operation_id";
    String custom = "SELECT q.i, u.operation_id, x.key, sum(x.value::bigint)" + joined
        + " CROSS JOIN LATERAL jsonb_each_text(u.units) x WHERE u.units <> '{}'::jsonb GROUP BY q.i, u.operation_id, x.key";
    Sums[] sums = new Sums[ranges.size()];
    String[] ids = new String[ranges.size()];
    String[] froms = new String[ranges.size()];
    String[] tos = new String[ranges.size()];
    for (int i = 0; i < sums.length; i++) {
      sums[i] = new Sums();
      ids[i] = ranges.get(i).customerId();
      froms[i] = micros(ranges.get(i).from());
      tos[i] = micros(ranges.get(i).to());
    }
    for (boolean first : new boolean[] {true, false}) {
      try (PreparedStatement ps = c.prepareStatement(first ? standard : custom)) {
        ps.setArray(1, c.createArrayOf("text", ids));
        ps.setArray(2, c.createArrayOf("text", froms));
        ps.setArray(3, c.createArrayOf("text", tos));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            sums[(int) rs.getLong(1) - 1].add(rs, 2, first);
          }
        }
      }
    }
    List<Totals> out = new ArrayList<>(sums.length);
    for (Sums s : sums) {
      out.add(s.totals());
    }
    return out;
  }

  /**
   * {@code at} in ISO-8601 (UTC), read as a {@code timestamptz}: rounded half up to the microsecond
   * first, as the JDBC driver rounds a {@code Timestamp} for {@link #of(Connection, String, Instant,
   * Instant)} (PostgreSQL itself would round the text half to even: a bound could differ by one).
   */
  static String micros(Instant at) {
    return at.plusNanos(500).truncatedTo(java.time.temporal.ChronoUnit.MICROS).toString();
  }

  /** One range's sums, row by row. */
  private static final class Sums {
    private long requests;
    private long bytesIn;
    private long bytesOut;
    private long micros;
    private long cpuMicros;
    private final Map<String, Long> byOperation = new TreeMap<>();
    private final Map<String, Map<String, Long>> quantities = new TreeMap<>();

    /**
     * A row whose columns from {@code at} are an operation's standard sums (calls, bytes in and out,
     * micros, CPU micros) or, when not {@code standard}, an operation, a custom unit and its sum.
     */
    void add(ResultSet rs, int at, boolean standard) throws SQLException {
      String op = rs.getString(at);
      Map<String, Long> q = quantities.computeIfAbsent(op, k -> new HashMap<>());
      if (!standard) {
        q.put(rs.getString(at + 1), rs.getLong(at + 2));
        return;
      }
      long calls = rs.getLong(at + 1);
      byOperation.put(op, calls);
      // exact, as the memory ledger's sums: a total past a long fails instead of wrapping
      requests = Math.addExact(requests, calls);
      bytesIn = Math.addExact(bytesIn, rs.getLong(at + 2));
      bytesOut = Math.addExact(bytesOut, rs.getLong(at + 3));
      micros = Math.addExact(micros, rs.getLong(at + 4));
      cpuMicros = Math.addExact(cpuMicros, rs.getLong(at + 5));
      q.put("calls", calls);
      q.put("bytes_in", rs.getLong(at + 2));
      q.put("bytes_out", rs.getLong(at + 3));
      q.put("compute_ms", rs.getLong(at + 4) / 1_000);
      q.put("cpu_ms", rs.getLong(at + 5) / 1_000);
    }

    Totals totals() {
      return new Totals(requests, bytesIn, bytesOut, micros / 1_000, cpuMicros / 1_000, byOperation, quantities);
    }
  }
}
