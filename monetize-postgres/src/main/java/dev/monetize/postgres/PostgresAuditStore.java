package dev.monetize.postgres;

import dev.monetize.audit.AuditEvent;
import dev.monetize.audit.AuditStore;
import dev.monetize.audit.AuditVerifier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * The audit trail in PostgreSQL: an append-only table (a trigger refuses {@code UPDATE},
 * {@code DELETE} and {@code TRUNCATE}) indexed by tenant and time. It is {@linkplain #durable()
 * durable}, so the engine loses no event (what it cannot take now waits in the journal directory),
 * and it {@linkplain #chains() chains} events itself: each batch takes the head rows of its tenants'
 * chains ({@code FOR UPDATE}, in one order, so writers never deadlock), links every event after its
 * chain's head and inserts it in the same transaction. Any number of threads and nodes thus extend
 * one valid chain per tenant, across restarts.
 *
 * <pre>{@code
 * PostgresStore db = PostgresStore.connect(url);
 * Monetize.builder().auditSink(new PostgresAuditStore(db.dataSource())) ...
 * }</pre>
 *
 * <p>A batch whose commit was lost on the wire (committed, but the driver saw an error) is delivered
 * again and then appears twice, each time validly chained: the trail never loses an event, and may in
 * that rare case hold one twice (same {@code request_id}).
 */
public final class PostgresAuditStore implements AuditStore {
  private static final String INSERT = "INSERT INTO monetize_audit (chain, seq, customer_id, time, operation, status, "
      + "hash, event) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

  private final DataSource dataSource;
  /** The cursors' key, shared by every process of the database (read once). */
  private volatile dev.monetize.audit.AuditCursor cursors;

  /** A store on {@code dataSource}, whose schema {@link Migrations} has created. */
  public PostgresAuditStore(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  /** The page cursors, under the database's key ({@code monetize_audit_cursor_key}). */
  private dev.monetize.audit.AuditCursor cursors() {
    dev.monetize.audit.AuditCursor c = cursors;
    if (c == null) {
      try (Connection conn = dataSource.getConnection(); Statement s = conn.createStatement();
          ResultSet rs = s.executeQuery("SELECT key FROM monetize_audit_cursor_key WHERE id = 1")) {
        if (!rs.next()) {
          throw new IllegalStateException("monetize_audit_cursor_key has no key: run the migrations (Migrations)");
        }
        c = dev.monetize.audit.AuditCursor.withKey(rs.getBytes(1));
      } catch (SQLException e) {
        throw new IllegalStateException("cannot read the audit trail: " + e.getMessage(), e);
      }
      cursors = c;
    }
    return c;
  }

  @Override
  public boolean durable() {
    return true;
  }

  @Override
  public boolean chains() {
    return true;
  }

  private record Head(String segment, long seq, String hash) {}

  @Override
  public void accept(List<AuditEvent> batch) throws SQLException {
    if (batch.isEmpty()) {
      return;
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        Map<String, Head> heads = lockHeads(c, batch);
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
          for (AuditEvent e : batch) {
            Head h = heads.get(e.chain());
            AuditEvent linked = e.unchained().chained(h.segment(), h.seq() + 1, h.hash());
            heads.put(e.chain(), new Head(h.segment(), linked.seq(), linked.hash()));
            ps.setString(1, e.chain());
            ps.setLong(2, linked.seq());
            ps.setString(3, e.customerId().orElse(null));
            ps.setTimestamp(4, Timestamp.from(e.time()));
            ps.setString(5, e.operationId());
            ps.setInt(6, e.status());
            ps.setString(7, linked.hash());
            ps.setString(8, linked.json());
            ps.addBatch();
          }
          ps.executeBatch();
        }
        try (PreparedStatement ps = c.prepareStatement(
            "UPDATE monetize_audit_heads SET seq = ?, hash = ? WHERE chain = ?")) {
          for (Map.Entry<String, Head> h : heads.entrySet()) {
            ps.setLong(1, h.getValue().seq());
            ps.setString(2, h.getValue().hash());
            ps.setString(3, h.getKey());
            ps.addBatch();
          }
          ps.executeBatch();
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** The heads of the chains of {@code batch}, created when new, locked in chain order. */
  private static Map<String, Head> lockHeads(Connection c, List<AuditEvent> batch) throws SQLException {
    Map<String, String> firstTimes = new TreeMap<>();
    for (AuditEvent e : batch) {
      firstTimes.putIfAbsent(e.chain(), e.time().toString());
    }
    Map<String, Head> heads = new LinkedHashMap<>();
    try (PreparedStatement create = c.prepareStatement("INSERT INTO monetize_audit_heads (chain, segment, seq, hash) "
        + "VALUES (?, ?, 0, ?) ON CONFLICT (chain) DO NOTHING");
        PreparedStatement lock = c.prepareStatement(
            "SELECT segment, seq, hash FROM monetize_audit_heads WHERE chain = ? FOR UPDATE")) {
      for (Map.Entry<String, String> chain : firstTimes.entrySet()) { // one order for every writer: no deadlock
        create.setString(1, chain.getKey());
        create.setString(2, chain.getValue());
        create.setString(3, AuditEvent.GENESIS);
        create.executeUpdate();
        lock.setString(1, chain.getKey());
        try (ResultSet rs = lock.executeQuery()) {
          rs.next();
          heads.put(chain.getKey(), new Head(rs.getString(1), rs.getLong(2), rs.getString(3)));
        }
      }
    }
    return heads;
  }

  @Override
  public Page find(Query query) {
    StringBuilder sql = new StringBuilder("SELECT position, event FROM monetize_audit WHERE position > ?");
    List<Object> args = new ArrayList<>();
    args.add(query.cursor().isPresent() ? cursors().open(query.cursor().get()) : 0L);
    query.customerId().ifPresent(c -> {
      sql.append(" AND customer_id = ?");
      args.add(c);
    });
    query.from().ifPresent(f -> {
      sql.append(" AND time >= ?");
      args.add(Timestamp.from(f));
    });
    query.to().ifPresent(t -> {
      sql.append(" AND time < ?");
      args.add(Timestamp.from(t));
    });
    query.operation().ifPresent(o -> {
      sql.append(" AND operation = ?");
      args.add(o);
    });
    query.status().ifPresent(s -> {
      sql.append(" AND status = ?");
      args.add(s);
    });
    sql.append(" ORDER BY position LIMIT ?");
    args.add(query.limit() + 1);
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < args.size(); i++) {
        ps.setObject(i + 1, args.get(i));
      }
      List<AuditEvent> events = new ArrayList<>();
      long last = 0;
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (events.size() == query.limit()) {
            return new Page(events, Optional.of(cursors().seal(last)));
          }
          last = rs.getLong(1);
          try {
            events.add(AuditEvent.parse(rs.getString(2)));
          } catch (IllegalArgumentException unreadable) { // the store's fault, not the caller's cursor
            throw new IllegalStateException("audit row " + last + " cannot be read (run `monetize audit verify "
                + "--jdbc`): " + unreadable.getMessage(), unreadable);
          }
        }
      }
      return new Page(events, Optional.empty());
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the audit trail: " + e.getMessage(), e);
    }
  }

  /**
   * Verifies every chain in the table, one chain at a time ({@link AuditVerifier}): the first event
   * that does not follow its predecessor or does not carry the hash of its content, if any.
   */
  public Optional<String> verify() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false); // a cursor: the driver fetches rows in pages, never the whole table
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ); // the rows and the heads of one moment
      try {
        Map<String, Head> heads = new java.util.HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT chain, segment, seq, hash FROM monetize_audit_heads");
            ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            heads.put(rs.getString(1), new Head(rs.getString(2), rs.getLong(3), rs.getString(4)));
          }
        }
        Optional<String> problem = verifyRows(c, heads);
        if (problem.isPresent()) {
          return problem;
        }
        for (Map.Entry<String, Head> h : heads.entrySet()) {
          if (h.getValue().seq() > 0) {
            return Optional.of("chain " + h.getKey() + ": its head is seq " + h.getValue().seq()
                + " but no event of it is stored (its events were removed)");
          }
        }
        return Optional.empty();
      } finally {
        c.rollback();
      }
    }
  }

  /**
   * Follows every chain's rows; each chain's last row must be its head. Removes from {@code heads}
   * the chains it saw.
   */
  private static Optional<String> verifyRows(Connection c, Map<String, Head> heads) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT position, event, chain, seq, hash, customer_id, time, operation, status FROM monetize_audit "
            + "ORDER BY chain, seq")) {
      ps.setFetchSize(1_000);
      AuditVerifier.Follower follower = new AuditVerifier.Follower();
      String chain = null;
      Object segment = null;
      long lastSeq = 0;
      String lastHash = "";
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String where = "chain " + rs.getString(3) + ", row " + rs.getLong(1);
          Optional<Map<String, Object>> e = AuditVerifier.parseLine(rs.getString(2));
          if (e.isEmpty()) {
            return Optional.of(where + ": not a JSON object");
          }
          Object jsonSeq = e.get().get("seq");
          if (!(jsonSeq instanceof Number n) || n.longValue() != rs.getLong(4) || !rs.getString(5).equals(e.get().get("hash"))) {
            return Optional.of(where + ": its seq or hash columns differ from the event (changed)");
          }
          if (!rs.getString(3).equals(chain)) { // a stored chain begins at 1: nothing before it was removed
            Optional<String> end = endOf(chain, lastSeq, lastHash, heads);
            if (end.isPresent()) {
              return end;
            }
            chain = rs.getString(3);
            if (rs.getLong(4) != 1) {
              return Optional.of(where + ": the chain begins at seq " + rs.getLong(4)
                  + ": the events before it were removed");
            }
            Head head = heads.get(chain);
            segment = head != null ? head.segment() : e.get().get("segment");
          }
          // a stored chain is one run: an event said to begin another would not be linked to its neighbours
          if (!java.util.Objects.equals(segment, e.get().get("segment"))) {
            return Optional.of(where + ", seq " + rs.getLong(4) + ": its segment is not its chain's (" + segment
                + "): changed");
          }
          e.get().put("@row", rs.getLong(1));
          Optional<String> problem = follower.next(e.get());
          if (problem.isPresent()) {
            return problem;
          }
          Optional<String> column = columnDiffering(rs, e.get()); // the event is intact: are the columns?
          if (column.isPresent()) { // what queries select by must be what the hashed event says
            return Optional.of(where + ", seq " + rs.getLong(4) + ": its " + column.get()
                + " column differs from the event (changed)");
          }
          lastSeq = rs.getLong(4);
          lastHash = rs.getString(5);
        }
      }
      return endOf(chain, lastSeq, lastHash, heads);
    }
  }

  /**
   * The first of the columns queries read (the chain, customer, time, operation and status) that
   * does not hold what the row's event says, if any. The time is compared to the microsecond the
   * column keeps.
   */
  private static Optional<String> columnDiffering(ResultSet rs, Map<String, Object> event) throws SQLException {
    Object customer = event.get("customer_id");
    String chain = customer instanceof String id ? id : AuditEvent.NO_CUSTOMER_CHAIN;
    if (!chain.equals(rs.getString(3))) {
      return Optional.of("chain");
    }
    if (!java.util.Objects.equals(customer instanceof String ? customer : null, rs.getString(6))) {
      return Optional.of("customer_id");
    }
    try {
      java.time.Instant said = java.time.Instant.parse(String.valueOf(event.get("time")));
      java.time.Instant kept = rs.getTimestamp(7).toInstant();
      if (Math.abs(java.time.Duration.between(said, kept).toNanos()) >= 1_000) {
        return Optional.of("time");
      }
    } catch (java.time.format.DateTimeParseException ex) {
      return Optional.of("time");
    }
    if (!rs.getString(8).equals(event.get("operation"))) {
      return Optional.of("operation");
    }
    if (!(event.get("status") instanceof Number n) || n.intValue() != rs.getInt(9)) {
      return Optional.of("status");
    }
    return Optional.empty();
  }

  /** Whether the last stored event of {@code chain} is its head (else its newest events were removed). */
  private static Optional<String> endOf(String chain, long seq, String hash, Map<String, Head> heads) {
    if (chain == null) {
      return Optional.empty();
    }
    Head h = heads.remove(chain);
    if (h == null || h.seq() != seq || !h.hash().equals(hash)) {
      return Optional.of("chain " + chain + " ends at seq " + seq + " but its head is "
          + (h == null ? "missing" : "seq " + h.seq()) + ": its newest events were removed or the head was changed");
    }
    return Optional.empty();
  }

}
