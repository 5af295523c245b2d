package dev.monetize.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** The test PostgreSQL, a schema per test class, and what to do when the server is not there. */
public final class PostgresTestSupport {
  /** The test database, as the superuser. */
  public static final String BASE = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

  private PostgresTestSupport() {}

  /** Creates a fresh schema and returns a JDBC URL that uses it; skips (or fails on CI) without a server. */
  public static String freshSchema() {
    String schema = "monetize_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection c = DriverManager.getConnection(BASE); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      String message = "PostgreSQL is not reachable at 127.0.0.1:5432 (" + e.getMessage() + ")";
      if ("true".equals(System.getenv("CI"))) {
        Assertions.fail(message + ". CI=true: the PostgreSQL tests must run.");
      }
      Assumptions.abort(message + "; start PostgreSQL to run this test");
    }
    return BASE + "&currentSchema=" + schema;
  }

  /** Drops the schema of a URL made by {@link #freshSchema()}. */
  public static void drop(String url) {
    String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
    try (Connection c = DriverManager.getConnection(BASE); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      // best effort: a leftover test schema is harmless
    }
  }
}
