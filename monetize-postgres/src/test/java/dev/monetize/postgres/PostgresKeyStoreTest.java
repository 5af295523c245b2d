package dev.monetize.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.monetize.keys.KeyStore;
import dev.monetize.testkit.KeyStoreContract;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.Customer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The key store contract on a real PostgreSQL, plus organizations, migrations and the query plans. */
class PostgresKeyStoreTest extends KeyStoreContract {
  @RegisterExtension
  static final PostgresSchema SCHEMA = new PostgresSchema();

  private PostgresStore open() {
    return SCHEMA.open();
  }

  @Override
  protected KeyStore store() {
    return open();
  }

  @Override
  protected KeyStore secondClientOfSameBackend(KeyStore first) {
    return open(); // its own pool, as another JVM would have
  }

  /**
   * The application's own pool may default to REPEATABLE READ: the capped inserts still count what the
   * lock's last holder committed (a snapshot taken before the lock was granted would not).
   */
  @Test
  void capsHoldOnAPoolThatDefaultsToRepeatableRead() throws Exception {
    com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
    config.setJdbcUrl(SCHEMA.url());
    config.setMaximumPoolSize(8);
    config.setTransactionIsolation("TRANSACTION_REPEATABLE_READ");
    try (com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource(config)) {
      PostgresStore s = PostgresStore.on(pool);
      String org = unique("org");
      ExecutorService threads = Executors.newFixedThreadPool(8);
      List<Future<Boolean>> made = new ArrayList<>();
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      for (int i = 0; i < 24; i++) {
        made.add(threads.submit(() -> {
          go.await();
          return s.saveWithin(key(org, java.util.Optional.empty()), 5);
        }));
      }
      go.countDown();
      long n = 0;
      for (Future<Boolean> f : made) {
        n += f.get() ? 1 : 0;
      }
      threads.shutdown();
      assertThat(n).isEqualTo(5);
      assertThat(s.countKeys(org)).isEqualTo(5);
      try (java.sql.Connection c = pool.getConnection()) { // handed back as the pool gave it
        assertThat(c.getTransactionIsolation()).isEqualTo(java.sql.Connection.TRANSACTION_REPEATABLE_READ);
        assertThat(c.getAutoCommit()).isTrue();
      }
    }
  }

  @Test
  void organizationsRoundTrip() {
    PostgresStore s = open();
    Customer acme = new Customer(unique("org"), "pro", BillingAnchor.of(31, ZoneId.of("Europe/Berlin")), "Acme GmbH");
    s.save(acme);
    assertThat(s.find(acme.id())).contains(acme);
    s.save(acme.withPlan("enterprise"));
    assertThat(open().find(acme.id()).orElseThrow().plan()).isEqualTo("enterprise");
    assertThat(s.find(unique("org"))).isEmpty();
  }

  @Test
  void migrationsRunOnceEvenWhenJvmsStartTogether() throws Exception {
    String fresh = PostgresTestSupport.freshSchema();
    try {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<PostgresStore>> starts = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Callable<PostgresStore> start = () -> PostgresStore.connect(fresh);
        starts.add(pool.submit(start));
      }
      for (Future<PostgresStore> f : starts) {
        f.get().close();
      }
      pool.shutdown();
      try (Connection c = DriverManager.getConnection(fresh); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT count(*) FROM monetize_schema_history")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(Migrations.FILES.size());
      }
    } finally {
      PostgresTestSupport.drop(fresh);
    }
  }

  @Test
  void verificationAndListingUseTheirIndexes() throws Exception {
    open();
    try (Connection c = DriverManager.getConnection(SCHEMA.url()); Statement st = c.createStatement()) {
      st.execute("SET enable_seqscan = off"); // a tiny table would be scanned otherwise: ask which index applies
      String byHash = plan(st, "EXPLAIN SELECT id FROM monetize_api_keys WHERE secret_hash = 'x'");
      String list = plan(st, "EXPLAIN SELECT id FROM monetize_api_keys WHERE organization_id = 'o' AND id > 'a' ORDER BY id LIMIT 20");
      String inProject = plan(st, "EXPLAIN SELECT id FROM monetize_api_keys WHERE organization_id = 'o' AND project_id = 'p' "
          + "AND id > 'a' ORDER BY id LIMIT 20");
      assertThat(byHash).contains("monetize_api_keys_secret_hash");
      assertThat(list).contains("monetize_api_keys_organization ").doesNotContain("Sort");
      assertThat(inProject).contains("monetize_api_keys_organization_project").doesNotContain("Sort");
    }
  }

  private static String plan(Statement st, String sql) throws Exception {
    StringBuilder sb = new StringBuilder();
    try (ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        sb.append(rs.getString(1)).append('\n');
      }
    }
    return sb.toString();
  }

  @Test
  void aWrongUrlFailsWithAMessageNamingTheUrlWithoutItsSecrets() {
    assertThatThrownBy(() -> PostgresStore.connect("jdbc:mysql://localhost/x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jdbc:postgresql://");
    assertThatThrownBy(() -> PostgresStore.connect("jdbc:postgresql://127.0.0.1:1/test?user=postgres&password=hunter2"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("cannot connect to PostgreSQL at jdbc:postgresql://127.0.0.1:1/test (check the JDBC "
            + "URL given to PostgresStore.connect")
        .hasMessageNotContaining("hunter2").hasMessageNotContaining("MONETIZE_");
    assertThatThrownBy(() -> PostgresStore.connect("jdbc:postgresql://admin:hunter2@127.0.0.1:1/test"))
        .hasMessageContaining("jdbc:postgresql://127.0.0.1:1/test").hasMessageNotContaining("hunter2");
  }
}
