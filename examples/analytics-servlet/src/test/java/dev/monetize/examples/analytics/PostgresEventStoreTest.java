package dev.monetize.examples.analytics;

import static dev.monetize.examples.analytics.ExternalServers.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.monetize.TenantContext;
import dev.monetize.examples.analytics.domain.Event;
import dev.monetize.examples.analytics.domain.Interval;
import dev.monetize.examples.analytics.domain.StoreUnavailableException;
import dev.monetize.postgres.PostgresStore;
import dev.monetize.postgres.PostgresTestSupport;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The second layer: row-level security keeps tenants apart even for a query that forgets its WHERE. */
@SuppressWarnings("try") // a scope is opened for what it sets, not read
class PostgresEventStoreTest {
  private String url;
  private PostgresStore db;
  private PostgresEventStore store;

  @BeforeEach
  void open() throws Exception {
    url = PostgresTestSupport.freshSchema();
    db = PostgresStore.connect(url);
    store = PostgresEventStore.open(db.dataSource(), url);
    for (String tenant : List.of("acme", "globex")) {
      try (TenantContext.Scope ignored = TenantContext.open(tenant)) {
        store.append(tenant, List.of(
            new Event("view", Instant.parse("2026-12-01T10:00:00Z"), Optional.of("u1"), 1, Map.of("p", tenant)),
            new Event("click", Instant.parse("2026-12-01T11:00:00Z"), Optional.empty(), 2, Map.of())));
      }
    }
    try (TenantContext.Scope ignored = TenantContext.open("acme")) {
      store.append("acme", List.of(new Event("view", Instant.parse("2026-12-01T12:00:00Z"), Optional.empty(), 3,
          Map.of())));
    }
  }

  @AfterEach
  void close() {
    store.close();
    db.close();
    PostgresTestSupport.drop(url);
  }

  /** An event at the last instant the parser accepts is in the summary and the export, as in memory. */
  @Test
  void anEventAtTheEndOfYear9999IsSummedAndExported() throws Exception {
    Instant last = new dev.monetize.examples.analytics.domain.EventParser(java.time.Clock.systemUTC())
        .parse("[{\"type\":\"late\",\"timestamp\":\"9999-12-31T23:59:59.999999999Z\"}]"
            .getBytes(java.nio.charset.StandardCharsets.UTF_8)).get(0).timestamp();
    assertThat(last).isEqualTo(Instant.parse("9999-12-31T23:59:59.999999Z")); // kept to the microsecond
    try (TenantContext.Scope ignored = TenantContext.open("globex")) {
      store.append("globex", List.of(new Event("late", last, Optional.empty(), 1, Map.of())));
      assertThat(store.summary("globex").events()).isEqualTo(3);
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      store.export("globex", out);
      assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("9999-12-31T23:59:59.999999Z");
    }
  }

  @Test
  void aDeliberatelyUnfilteredQueryReturnsOnlyTheTenantsRows() throws Exception {
    try (Connection owner = db.dataSource().getConnection()) {
      assertThat(count(owner, "SELECT count(*) FROM analytics_events")).isEqualTo(5); // the owner sees all
    }
    try (TenantContext.Scope ignored = TenantContext.open("acme"); Connection c = store.dataSource().getConnection()) {
      assertThat(count(c, "SELECT count(*) FROM analytics_events")).isEqualTo(3); // no WHERE: still only acme's
      assertThat(count(c, "SELECT count(*) FROM analytics_events WHERE tenant = 'globex'")).isZero();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT current_user, (SELECT tableowner FROM pg_tables WHERE tablename = 'analytics_events' "
              + "AND schemaname = current_schema())")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo(PostgresEventStore.APP_ROLE).isNotEqualTo(rs.getString(2));
      }
    }
    try (TenantContext.Scope ignored = TenantContext.open("globex"); Connection c = store.dataSource().getConnection()) {
      assertThat(count(c, "SELECT count(*) FROM analytics_events")).isEqualTo(2);
    }
  }

  @Test
  void aWriteForAnotherTenantIsRefusedByThePolicy() throws Exception {
    try (TenantContext.Scope ignored = TenantContext.open("acme"); Connection c = store.dataSource().getConnection();
        Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.executeUpdate("INSERT INTO analytics_events (tenant, type, ts, value, properties) "
          + "VALUES ('globex', 'x', now(), 1, '{}')")).hasMessageContaining("row-level security");
      assertThatThrownBy(() -> s.execute("ALTER TABLE analytics_events DISABLE ROW LEVEL SECURITY"))
          .hasMessageContaining("owner");
    }
  }

  @Test
  void aBuggyCallerNamingAnotherTenantStillGetsOnlyItsOwn() throws Exception {
    try (TenantContext.Scope ignored = TenantContext.open("acme")) {
      assertThat(store.summary("acme").events()).isEqualTo(3);
      assertThat(store.summary("globex").events()).isZero(); // the first layer failed; the second held
      assertThat(store.timeseries("acme", Instant.parse("2026-12-01T00:00:00Z"), Instant.parse("2026-12-02T00:00:00Z"),
          Interval.parse("day")).get(0).count()).isEqualTo(3);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      store.export("acme", out);
      assertThat(out.toString(StandardCharsets.UTF_8).lines()).hasSize(3).noneMatch(l -> l.contains("globex"));
    }
  }

  /**
   * A database that cannot be reached is an outage the caller may retry ({@link StoreUnavailableException},
   * answered 503), not a bug (500): writes and reads through a network that is cut.
   */
  @Test
  void anUnreachableDatabaseIsAnOutageNotABug() throws Exception {
    try (dev.monetize.testkit.TcpRelay relay = new dev.monetize.testkit.TcpRelay(5432)) {
      String relayed = url.replace("127.0.0.1:5432", "127.0.0.1:" + relay.port());
      try (PostgresEventStore through = PostgresEventStore.open(db.dataSource(), relayed);
          TenantContext.Scope ignored = TenantContext.open("acme")) {
        assertThat(through.summary("acme").events()).isEqualTo(3);
        relay.cut();
        Event late = new Event("view", Instant.parse("2026-12-01T13:00:00Z"), Optional.empty(), 1, Map.of());
        assertThatThrownBy(() -> through.append("acme", List.of(late)))
            .isInstanceOf(StoreUnavailableException.class)
            .hasMessage("The event store cannot be reached; no event was stored.");
        assertThatThrownBy(() -> through.summary("acme"))
            .isInstanceOf(StoreUnavailableException.class).hasMessage("The event store cannot be reached.");
      }
    }
    try (TenantContext.Scope ignored = TenantContext.open("acme")) {
      assertThat(store.summary("acme").events()).isEqualTo(3); // nothing was stored
    }
  }

  /** A query the database refuses (wrong SQL, a policy) is not an outage: retrying would not help. */
  @Test
  void onlyConnectionAndServerStatesAreOutages() {
    assertThat(PostgresEventStore.unreachable(new java.sql.SQLException("refused", "08001"))).isTrue();
    assertThat(PostgresEventStore.unreachable(new java.sql.SQLException("shutting down", "57P01"))).isTrue();
    assertThat(PostgresEventStore.unreachable(new java.sql.SQLException("too many connections", "53300"))).isTrue();
    assertThat(PostgresEventStore.unreachable(new java.sql.SQLTransientConnectionException("pool timeout"))).isTrue();
    assertThat(PostgresEventStore.unreachable(new java.sql.SQLException("syntax", "42601"))).isFalse();
    assertThat(PostgresEventStore.unreachable(new java.sql.SQLException("row-level security", "42501"))).isFalse();
    assertThat(PostgresEventStore.unreachable(new java.sql.SQLException("no state"))).isFalse();
  }
}
