package dev.monetize.examples.analytics;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** What the examples' tests of external stores share: the local Redis, and counting rows. */
public final class ExternalServers {
  private ExternalServers() {}

  /** Skips the test without Redis on 127.0.0.1:6379; fails it when {@code CI=true}. */
  public static void requireRedis() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", 6379), 500);
    } catch (IOException e) {
      String message = "Redis is not reachable at 127.0.0.1:6379 (" + e.getMessage() + ")";
      if ("true".equals(System.getenv("CI"))) {
        Assertions.fail(message + ". CI=true: the Redis tests must run.");
      }
      Assumptions.abort(message + "; start redis-server to run this test");
    }
  }

  /** The single number {@code sql} selects. */
  public static long count(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
