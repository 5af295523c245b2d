package dev.monetize.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * A transaction holding a lock of one organization (a PostgreSQL advisory lock the transaction keeps
 * until it ends): what {@link PostgresStore} counts and inserts under it is one step against every
 * other such step of the organization, on every node.
 */
final class OrganizationLock {
  /** The class of the organizations' advisory locks ({@code pg_advisory_xact_lock(class, key)}): "MONE". */
  private static final int ORGANIZATION_LOCKS = 0x4d4f4e45;

  private OrganizationLock() {}

  /** What runs under the lock: true when it made what it was asked to. */
  @FunctionalInterface
  interface Step {
    boolean run(Connection c) throws SQLException;
  }

  /**
   * Runs {@code step} in a transaction that first takes a lock of {@code organizationId} (an advisory
   * lock the transaction holds until it ends): what it counts and inserts is one step against every
   * other such step of the organization, on every node.
   */
  static boolean within(DataSource dataSource, String organizationId, String what, Step step) {
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      int isolation = c.getTransactionIsolation();
      c.setAutoCommit(false);
      // READ COMMITTED whatever the pool's default: the count must see what the lock's last holder committed,
      // which a snapshot taken before the lock was granted (REPEATABLE READ) would not
      c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      try {
        // the two-key form, under a class of its own: apart from every single-key advisory lock
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
          lock.setInt(1, ORGANIZATION_LOCKS);
          lock.setString(2, organizationId);
          lock.execute();
        }
        boolean done = step.run(c);
        c.commit();
        return done;
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException rollback) {
          e.addSuppressed(rollback);
        }
        throw e;
      } finally {
        try {
          c.setTransactionIsolation(isolation);
          c.setAutoCommit(autoCommit);
        } catch (SQLException reset) { // the connection goes back as it is: the pool resets or drops it
          org.slf4j.LoggerFactory.getLogger(OrganizationLock.class).warn("resetting a connection after {}: {}", what,
              reset.toString());
        }
      }
    } catch (SQLException e) {
      throw new PostgresStore.StoreException(what, e);
    }
  }
}
