package dev.monetize.examples.analytics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.monetize.examples.analytics.domain.Bucket;
import dev.monetize.examples.analytics.domain.Event;
import dev.monetize.examples.analytics.domain.EventStore;
import dev.monetize.examples.analytics.domain.Events;
import dev.monetize.examples.analytics.domain.Interval;
import dev.monetize.examples.analytics.domain.StoreUnavailableException;
import dev.monetize.examples.analytics.domain.Summary;
import dev.monetize.postgres.TenantDataSource;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The example's events in PostgreSQL, isolated twice: every query names its tenant
 * ({@code WHERE tenant = ?}), and the table's row-level security policy, enabled and forced, lets a
 * connection see and write only the rows of the tenant {@link TenantDataSource} set on it, so a
 * query that forgot its {@code WHERE} still sees one tenant. The application works as the role
 * {@value #APP_ROLE}, which does not own the table (owners and superusers are not subject to the
 * policy): the owner creates the table and the role ({@link #install}), the pool then takes that role
 * on every connection.
 */
public final class PostgresEventStore implements EventStore, AutoCloseable {
  /** The role the application's queries run as. */
  public static final String APP_ROLE = "analytics_app";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PostgresEventStore.class);
  private static final TypeReference<Map<String, String>> PROPERTIES = new TypeReference<>() { };

  private final HikariDataSource pool;
  private final TenantDataSource data;
  private volatile java.util.function.Consumer<String> changed = tenant -> { };
  private volatile boolean suspended;

  private PostgresEventStore(HikariDataSource pool) {
    this.pool = pool;
    this.data = new TenantDataSource(pool);
  }

  /**
   * Creates the table, its policy and the application role through {@code owner} (once; concurrent
   * starts wait for each other), then opens a pool of {@code jdbcUrl} whose connections work as
   * {@value #APP_ROLE}.
   */
  public static PostgresEventStore open(DataSource owner, String jdbcUrl) throws SQLException {
    install(owner);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setMaximumPoolSize(10);
    config.setMinimumIdle(1); // an idle process keeps one connection, not ten: N processes fit a server's limit
    config.setIdleTimeout(60_000);
    config.setPoolName("analytics-events");
    config.setConnectionTimeout(5_000);
    config.setConnectionInitSql("SET ROLE " + APP_ROLE); // the demo has one login: it becomes the non-owner role
    return new PostgresEventStore(new HikariDataSource(config));
  }

  /** The table, its row-level security and the application role, created if missing. */
  static void install(DataSource owner) throws SQLException {
    try (Connection c = owner.getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("SELECT pg_advisory_xact_lock(7421001)");
        s.execute("DO $$ BEGIN CREATE ROLE " + APP_ROLE + " NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
        s.execute("CREATE TABLE IF NOT EXISTS analytics_events ("
            + "tenant text NOT NULL DEFAULT current_setting('app.tenant'), type text NOT NULL, "
            + "ts timestamptz NOT NULL, user_id text, value double precision NOT NULL, properties jsonb NOT NULL)");
        s.execute("CREATE INDEX IF NOT EXISTS analytics_events_tenant_ts ON analytics_events (tenant, ts)");
        s.execute("ALTER TABLE analytics_events ENABLE ROW LEVEL SECURITY");
        s.execute("ALTER TABLE analytics_events FORCE ROW LEVEL SECURITY");
        s.execute("DROP POLICY IF EXISTS analytics_events_tenant ON analytics_events");
        s.execute("CREATE POLICY analytics_events_tenant ON analytics_events "
            + "USING (tenant = current_setting('app.tenant', true)) "
            + "WITH CHECK (tenant = current_setting('app.tenant', true))");
        String schema;
        try (ResultSet rs = s.executeQuery("SELECT quote_ident(current_schema())")) {
          rs.next();
          schema = rs.getString(1);
        }
        s.execute("GRANT USAGE ON SCHEMA " + schema + " TO " + APP_ROLE);
        s.execute("GRANT SELECT, INSERT ON analytics_events TO " + APP_ROLE);
      }
      c.commit();
    }
  }

  /** Connections of the current request's tenant (the second layer), as the application role. */
  public TenantDataSource dataSource() {
    return data;
  }

  @Override
  public EventStore onChange(java.util.function.Consumer<String> listener) {
    this.changed = Objects.requireNonNull(listener, "listener");
    return this;
  }

  @Override
  public void suspendReads() {
    suspended = true;
  }

  @Override
  public void resume() {
    suspended = false;
  }

  @Override
  public int append(String tenant, List<Event> events) {
    int phase = 0; // 0: before the commit; 1: committing (its outcome unknown if it fails); 2: committed
    try (Connection c = data.getConnection(); PreparedStatement ps = c.prepareStatement(
        "INSERT INTO analytics_events (tenant, type, ts, user_id, value, properties) VALUES (?, ?, ?, ?, ?, ?::jsonb)")) {
      c.setAutoCommit(false);
      for (Event e : events) {
        ps.setString(1, tenant);
        ps.setString(2, e.type());
        ps.setTimestamp(3, Timestamp.from(e.timestamp()));
        ps.setString(4, e.userId().orElse(null));
        ps.setDouble(5, e.value());
        ps.setString(6, JSON.writeValueAsString(e.properties()));
        ps.addBatch();
      }
      ps.executeBatch();
      phase = 1;
      c.commit();
      phase = 2;
    } catch (SQLException e) { // the message names no value of the caller's events
      if (phase == 2) { // handing the connection back failed: the events are stored, the pool drops it
        LOG.warn("events stored, then their connection failed: {}", e.toString());
      } else if (unreachable(e)) {
        throw new StoreUnavailableException(phase == 1 ? "The event store stopped answering while it stored the "
            + "events: they may be stored; read the summary before sending them again."
            : "The event store cannot be reached; no event was stored.", e);
      } else {
        throw new IllegalStateException("cannot store events" + (e.getSQLState() != null
            ? " (SQL state " + e.getSQLState() + ")" : ""), e);
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot store events: their properties are not JSON", e);
    }
    EventStore.tell(changed, tenant);
    return events.size();
  }

  @Override
  public Summary summary(String tenant) {
    return Events.summary(read(tenant, Instant.EPOCH, null));
  }

  @Override
  public List<Bucket> timeseries(String tenant, Instant from, Instant to, Interval interval) {
    return Events.timeseries(read(tenant, from, to), from, to, interval);
  }

  @Override
  public void export(String tenant, OutputStream out) throws IOException {
    Events.export(read(tenant, Instant.EPOCH, null), out);
  }

  /** The tenant's events in {@code [from, to)} ({@code to} null: all from {@code from} on), oldest first. */
  private List<Event> read(String tenant, Instant from, Instant to) {
    if (suspended) {
      throw new StoreUnavailableException("The event store is offline for maintenance.");
    }
    try (Connection c = data.getConnection(); PreparedStatement ps = c.prepareStatement(
        "SELECT type, ts, user_id, value, properties FROM analytics_events WHERE tenant = ? AND ts >= ? "
            + (to == null ? "" : "AND ts < ? ") + "ORDER BY ts")) {
      ps.setString(1, tenant);
      ps.setTimestamp(2, Timestamp.from(from));
      if (to != null) {
        ps.setTimestamp(3, Timestamp.from(to));
      }
      List<Event> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Event(rs.getString(1), rs.getTimestamp(2).toInstant(), Optional.ofNullable(rs.getString(3)),
              rs.getDouble(4), JSON.readValue(rs.getString(5), PROPERTIES)));
        }
      }
      return out;
    } catch (SQLException e) {
      if (unreachable(e)) {
        throw new StoreUnavailableException("The event store cannot be reached.", e);
      }
      throw new IllegalStateException("cannot read events (SQL state " + e.getSQLState() + ")", e);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read events: a stored row is not JSON", e);
    }
  }

  /**
   * Whether {@code e} says the database cannot be reached now rather than that a query is wrong: the
   * pool found no connection in time, a connection broke or was refused (SQL state class 08), the
   * server is shutting down or out of resources (57P0x, class 53), or the driver calls it transient.
   */
  static boolean unreachable(SQLException e) {
    for (SQLException x = e; x != null; x = x.getNextException()) {
      String state = x.getSQLState() == null ? "" : x.getSQLState();
      if (x instanceof java.sql.SQLTransientException || x instanceof java.sql.SQLRecoverableException
          || state.startsWith("08") || state.startsWith("53") || state.startsWith("57P")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    pool.close();
  }
}
