package dev.monetize.postgres;

import dev.monetize.keys.KeyStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens for the keys other processes change ({@code LISTEN monetize_keys}; a trigger of
 * {@code V11__key_changes.sql} notifies each change as it commits, an edit made by hand included)
 * on a connection of its own, on a daemon thread, and tells the engine. Each time it starts listening
 * (the first time, and after a lost connection) it says that changes may have been missed meanwhile;
 * while it cannot listen, changes show within the engine's key cache TTL, as without a watch.
 */
final class KeyWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KeyWatch.class);
  static final String CHANNEL = "monetize_keys";
  /** The listening connection's {@code application_name}. */
  static final String APPLICATION_NAME = "monetize-key-changes";
  /** More changes than this in one poll (a bulk edit): every cached key is forgotten instead of each. */
  static final int AT_ONCE = 64;
  private static final long CHECK_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final Connections connections;
  private final KeyStore.Changes changes;
  private final Thread thread;
  private volatile boolean running = true;

  /** Where the listening connection comes from. */
  @FunctionalInterface
  interface Connections {
    /** A connection for the watch alone, held until it fails or the watch closes. */
    Connection open() throws SQLException;
  }

  KeyWatch(Connections connections, KeyStore.Changes changes) {
    this.connections = connections;
    this.changes = changes;
    this.thread = new Thread(this::run, "monetize-key-changes");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    boolean listened = false;
    long pause = 1_000;
    while (running) {
      try (Connection c = connections.open()) {
        c.setAutoCommit(true);
        // a dead peer fails the periodic check within this, not after the kernel's retries (a quarter hour)
        c.setNetworkTimeout(Runnable::run, (int) TimeUnit.SECONDS.toMillis(10));
        c.setClientInfo("ApplicationName", APPLICATION_NAME); // pg_stat_activity names it
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + CHANNEL);
        }
        // whatever changed before it listened (lost, or not yet connected while the first calls were cached)
        changes.mayHaveMissedChanges();
        if (listened) {
          LOG.info("listening for key changes again");
        }
        listened = true;
        pause = 1_000;
        try {
          listen(c);
        } finally {
          giveBack(c);
        }
      } catch (SQLException | RuntimeException e) { // a SQLClientInfoException too: it is a SQLException
        if (!running) {
          return;
        }
        // the kind and SQL state only: a driver's message may quote the connection's URL
        LOG.warn("cannot listen for other processes' key changes ({}, SQL state {}); they show within the key "
            + "cache TTL until it can, trying again in {} ms", e.getClass().getSimpleName(),
            e instanceof SQLException q ? q.getSQLState() : "none", pause);
        sleep(pause);
        pause = Math.min(pause * 2, 30_000);
      }
    }
  }

  /** Passes on what the connection is told until it fails or the watch is closed. */
  private void listen(Connection c) throws SQLException {
    PGConnection pg = c.unwrap(PGConnection.class);
    long checked = System.nanoTime();
    while (running) {
      PGNotification[] told = pg.getNotifications(500);
      if (told != null && told.length > AT_ONCE) {
        changes.mayHaveMissedChanges();
      } else if (told != null) {
        for (PGNotification n : told) {
          changes.changed(n.getParameter());
        }
      }
      if (System.nanoTime() - checked > CHECK_NANOS) { // a connection dropped without a word reads nothing forever
        try (Statement s = c.createStatement()) {
          s.execute("SELECT 1");
        }
        checked = System.nanoTime();
      }
    }
  }

  /**
   * Leaves the connection as it was lent, for a pool that lends it again ({@code PostgresStore.on} a
   * data source): no longer listening (or the driver would queue every later notification on it) and
   * without the watch's name. A connection that failed is closed by the pool anyway.
   */
  private static void giveBack(Connection c) {
    try (Statement s = c.createStatement()) {
      s.execute("UNLISTEN *");
      c.setClientInfo("ApplicationName", "");
    } catch (SQLException | RuntimeException e) {
      // a broken connection: nothing to leave clean
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops listening (within half a second) and gives the connection back. */
  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
