package dev.monetize.redis;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** Where the test Redis is, and what to do when it is not there. */
final class RedisTestSupport {
  static final String HOST = "127.0.0.1";
  static final int PORT = 6379;
  static final String URI = "redis://" + HOST + ":" + PORT + "/0";

  private RedisTestSupport() {}

  /** Skips the test when Redis is unreachable, unless {@code CI=true}, where it fails. */
  static void requireRedis() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(HOST, PORT), 500);
    } catch (IOException e) {
      String message = "Redis is not reachable at " + HOST + ":" + PORT + " (" + e.getMessage()
          + "); start it with redis-server to run the Redis tests";
      if ("true".equals(System.getenv("CI"))) {
        Assertions.fail(message + ". CI=true: the Redis tests must run.");
      }
      Assumptions.abort(message);
    }
  }

  /** Deletes every key under {@code prefix}: what one test wrote. */
  static void deleteKeys(io.lettuce.core.api.sync.RedisCommands<String, String> redis, String prefix) {
    java.util.List<String> keys = redis.keys(prefix + "*");
    if (!keys.isEmpty()) {
      redis.del(keys.toArray(String[]::new));
    }
  }

  /** A key prefix no other test uses. */
  static String freshPrefix() {
    return "monetize-test:" + UUID.randomUUID() + ":";
  }
}
