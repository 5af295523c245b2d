package dev.monetize.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the versioned SQL files shipped in this jar ({@code db/migration/V<n>__<name>.sql}), each
 * once, in order, in its own transaction, under a PostgreSQL advisory lock so that JVMs starting
 * together never race. Applied versions are recorded in {@code monetize_schema_history}.
 *
 * <p>Why not Flyway: four dozen lines cover what we need (forward-only plain SQL, one database),
 * and a library user should not inherit a migration tool's version, licence and classpath scanning.
 */
public final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
  /** Every migration, in order. A new file is added here and never edited once released. */
  static final List<String> FILES = List.of("V1__keys.sql", "V2__usage.sql", "V3__billing.sql",
      "V4__usage_bytes_in_cpu.sql", "V5__invoices.sql", "V6__audit.sql",
      "V7__plan_changes_due.sql", "V8__usage_partitioned.sql",
      "V9__key_raised_limits.sql", "V10__credit_balances.sql", "V11__key_changes.sql",
      "V12__audit_cursor_key.sql");
  private static final long LOCK = 0x4d6f6e6574697a65L; // "Monetize"

  private Migrations() {}

  /** Brings the schema of {@code dataSource} up to date; returns how many migrations ran. */
  public static int migrate(DataSource dataSource) throws SQLException {
    return migrate(dataSource, Integer.MAX_VALUE);
  }

  /** Brings the schema up to version {@code upTo} (for tests of an upgrade from an earlier version). */
  static int migrate(DataSource dataSource, int upTo) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
        s.execute("CREATE TABLE IF NOT EXISTS monetize_schema_history (version integer PRIMARY KEY, "
            + "name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
      }
      Set<Integer> applied = new HashSet<>();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT version FROM monetize_schema_history")) {
        while (rs.next()) {
          applied.add(rs.getInt(1));
        }
      }
      int ran = 0;
      for (String file : FILES) {
        int version = Integer.parseInt(file.substring(1, file.indexOf("__")));
        if (applied.contains(version) || version > upTo) {
          continue;
        }
        try (Statement s = c.createStatement()) {
          s.execute(read(file));
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO monetize_schema_history (version, name) VALUES (?, ?)")) {
          ps.setInt(1, version);
          ps.setString(2, file);
          ps.executeUpdate();
        }
        LOG.info("applied migration {}", file);
        ran++;
      }
      c.commit();
      return ran;
    }
  }

  private static String read(String file) {
    try (InputStream in = Migrations.class.getResourceAsStream("/db/migration/" + file)) {
      if (in == null) {
        throw new IllegalStateException("migration " + file + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
