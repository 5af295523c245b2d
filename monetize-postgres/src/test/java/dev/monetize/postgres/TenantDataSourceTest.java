package dev.monetize.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.monetize.TenantContext;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The tenant reaches PostgreSQL on every connection handed out, and never outlives it in the pool. */
@SuppressWarnings("try") // a scope is opened for what it sets, not read
class TenantDataSourceTest {
  private String url;
  private HikariDataSource pool;
  private TenantDataSource tenants;

  @BeforeEach
  void open() {
    url = PostgresTestSupport.freshSchema();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(1); // one physical connection: what one tenant leaves, the next one gets
    pool = new HikariDataSource(config);
    tenants = new TenantDataSource(pool);
  }

  @AfterEach
  void close() {
    pool.close();
    PostgresTestSupport.drop(url);
  }

  private static String tenantOf(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_setting('app.tenant', true)")) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void eachConnectionCarriesTheRequestsTenantAndLeavesNoneBehind() throws Exception {
    try (TenantContext.Scope ignored = TenantContext.open("acme"); Connection c = tenants.getConnection()) {
      assertThat(tenantOf(c)).isEqualTo("acme");
    }
    try (Connection raw = pool.getConnection()) { // the same physical connection, back in the pool
      assertThat(tenantOf(raw)).isEmpty();
    }
    try (TenantContext.Scope ignored = TenantContext.open("globex"); Connection c = tenants.getConnection()) {
      assertThat(tenantOf(c)).isEqualTo("globex");
    }
  }

  @Test
  void withoutATenantNoConnectionIsHandedOut() {
    assertThat(TenantContext.current()).isEmpty();
    assertThatThrownBy(tenants::getConnection).isInstanceOf(SQLException.class).hasMessageContaining("no tenant");
  }

  @Test
  void aTransactionLeftBrokenIsRolledBackAndTheTenantStillCleared() throws Exception {
    Connection c = tenants.connection("acme");
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.execute("SELECT 1/0")).isInstanceOf(SQLException.class); // the transaction aborts
    }
    c.close();
    assertThat(c.isClosed()).isTrue();
    try (Connection raw = pool.getConnection()) {
      assertThat(tenantOf(raw)).isEmpty();
    }
  }

  @Test
  void theTenantGoesToOtherThreadsOnlyWhenCarried() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (TenantContext.Scope ignored = TenantContext.open("acme")) {
      Callable<String> read = () -> {
        try (Connection c = tenants.getConnection()) {
          return tenantOf(c);
        }
      };
      assertThat(pool.submit(TenantContext.propagate(read)).get()).isEqualTo("acme");
      assertThat(pool.submit(() -> {
        try {
          return read.call();
        } catch (SQLException e) {
          return "refused";
        }
      }).get()).isEqualTo("refused");
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void theWrappedConnectionIsNotHandedOut() throws Exception {
    try (Connection c = tenants.connection("acme"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT 1")) {
      assertThat(c.isWrapperFor(org.postgresql.PGConnection.class)).isFalse();
      assertThatThrownBy(() -> c.unwrap(org.postgresql.PGConnection.class)).isInstanceOf(SQLException.class);
      // no way around: what the connection hands out leads back to the tenant connection, never the raw one
      assertThat(s.getConnection()).isSameAs(c);
      assertThat(rs.getStatement().getConnection()).isSameAs(c);
      assertThat(c.getMetaData().getConnection()).isSameAs(c);
      assertThat(c.prepareStatement("SELECT 1").getConnection()).isSameAs(c);
      assertThatThrownBy(() -> s.unwrap(org.postgresql.PGStatement.class)).isInstanceOf(SQLException.class);
    }
    try (Connection raw = pool.getConnection()) {
      assertThat(tenantOf(raw)).isEmpty(); // closed through the tenant connection: cleared
    }
    assertThatThrownBy(() -> new TenantDataSource(pool, "tenant; DROP TABLE x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
