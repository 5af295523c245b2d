package dev.monetize.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monthly partitions of {@code monetize_usage} (UTC months of {@code period_start}): created
 * ahead of time and on demand by the schema's {@code monetize_usage_partition} function, and rolled
 * up into quarter-hour totals when a month is compacted. Which months are ready is remembered, so a batch
 * costs no extra query unless it starts a month.
 */
final class UsagePartitions {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresUsageLedger.class);
  /** The quarter hour (UTC) a row starts in: every time zone's offset is a whole number of them. */
  private static final String BUCKET = "date_trunc('hour', period_start, 'UTC') + floor(extract(minute FROM "
      + "period_start AT TIME ZONE 'UTC') / 15) * interval '15 minutes'";
  /** How long compaction waits for the parent table's lock before giving up (and leaving writers be). */
  private static final String LOCK_TIMEOUT = "2s";

  private final DataSource dataSource;
  /** Months known to have a partition (true) or to be compacted (false). */
  private final ConcurrentHashMap<YearMonth, Boolean> known = new ConcurrentHashMap<>();

  UsagePartitions(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  static YearMonth monthOf(Instant at) {
    return YearMonth.from(at.atOffset(ZoneOffset.UTC));
  }

  /**
   * Whether {@code month} takes raw rows: its partition exists (created now if missing, in a short
   * transaction of its own, so a month's first batch does not hold the parent's lock for long), or
   * false when the month has been compacted.
   */
  boolean open(YearMonth month) throws SQLException {
    Boolean ready = known.get(month);
    if (ready != null) {
      return ready;
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT monetize_usage_partition(?::timestamptz)")) {
      c.setAutoCommit(true);
      ps.setString(1, month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant().toString());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        boolean open = rs.getString(1) != null;
        known.put(month, open);
        if (open && month.equals(YearMonth.now(ZoneOffset.UTC)) && !known.containsKey(month.plusMonths(1))) {
          open(month.plusMonths(1)); // a month ahead: the first batch of a month never waits for DDL
        }
        return open;
      }
    }
  }

  /** Forgets what it knew: another JVM may have compacted a month. */
  void forget() {
    known.clear();
  }

  /**
   * Rolls every raw month before {@code before} up into {@code monetize_usage_rollup} and drops its
   * partition, one month per transaction; returns the months compacted.
   */
  List<YearMonth> compactBefore(YearMonth before) throws SQLException {
    List<YearMonth> done = new ArrayList<>();
    for (YearMonth m : rawMonths()) {
      if (m.isBefore(before)) {
        compact(m).ifPresent(done::add);
      }
    }
    return done;
  }

  private List<YearMonth> rawMonths() throws SQLException {
    List<YearMonth> months = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            + "WHERE i.inhparent = 'monetize_usage'::regclass ORDER BY c.relname")) {
      while (rs.next()) {
        String name = rs.getString(1); // monetize_usage_YYYY_MM
        String ym = name.substring("monetize_usage_".length());
        months.add(YearMonth.of(Integer.parseInt(ym.substring(0, 4)), Integer.parseInt(ym.substring(5, 7))));
      }
    }
    return months;
  }

  private Optional<YearMonth> compact(YearMonth month) throws SQLException {
    String partition = String.format("monetize_usage_%04d_%02d", month.getYear(), month.getMonthValue());
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        // the same lock as the partition function: no writer creates or fills the month meanwhile
        s.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '." + partition + "'))");
        // never queue every writer and reader behind a lock it cannot get: fail, and compact later
        s.execute("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
        // the rows of the month stay put while they are summed: writers wait, readers do not
        s.execute("LOCK TABLE " + partition + " IN SHARE MODE");
        long rows;
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + partition)) {
          rs.next();
          rows = rs.getLong(1);
        }
        s.execute("INSERT INTO monetize_usage_rollup (customer_id, operation_id, status, bucket, calls, bytes_in, "
            + "bytes_out, duration_micros, cpu_micros) SELECT customer_id, operation_id, status, " + BUCKET
            + ", sum(calls), sum(bytes_in), sum(bytes_out), sum(duration_micros), sum(cpu_micros) FROM " + partition
            + " GROUP BY 1, 2, 3, 4");
        s.execute("UPDATE monetize_usage_rollup r SET units = x.units FROM (SELECT customer_id, operation_id, status, "
            + "bucket, jsonb_object_agg(key, total) AS units FROM (SELECT customer_id, operation_id, status, "
            + BUCKET + " AS bucket, u.key, sum(u.value::bigint) AS total FROM " + partition
            + ", jsonb_each_text(units) u WHERE units <> '{}'::jsonb GROUP BY 1, 2, 3, 4, 5) y "
            + "GROUP BY 1, 2, 3, 4) x WHERE r.customer_id = x.customer_id AND r.operation_id = x.operation_id "
            + "AND r.status = x.status AND r.bucket = x.bucket");
        try (PreparedStatement ps = c.prepareStatement(
            "INSERT INTO monetize_usage_compacted (month, rows) VALUES (?, ?)")) {
          ps.setObject(1, month.atDay(1));
          ps.setLong(2, rows);
          ps.executeUpdate();
        }
        s.execute("DROP TABLE " + partition);
        c.commit();
        known.put(month, false);
        LOG.info("compacted usage of {}: {} rows into quarter-hour totals", month, rows);
        return Optional.of(month);
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    }
  }
}
