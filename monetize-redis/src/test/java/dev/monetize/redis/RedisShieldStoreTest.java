package dev.monetize.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.shield.ShieldStore;
import dev.monetize.testkit.ShieldStoreContract;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Redis shield store against the contract, two clients standing for two nodes. */
class RedisShieldStoreTest extends ShieldStoreContract {
  private final List<RedisShieldStore> opened = new ArrayList<>();
  private String prefix;

  @BeforeEach
  void connect() {
    RedisTestSupport.requireRedis();
    prefix = RedisTestSupport.freshPrefix();
  }

  @AfterEach
  void close() {
    opened.forEach(RedisShieldStore::close);
    RedisClient admin = RedisClient.create(RedisTestSupport.URI);
    try (StatefulRedisConnection<String, String> c = admin.connect()) {
      List<String> keys = c.sync().keys(prefix + "*");
      if (!keys.isEmpty()) {
        c.sync().del(keys.toArray(String[]::new));
      }
    } finally {
      admin.shutdown();
    }
  }

  @Override
  protected ShieldStore store() {
    RedisShieldStore s = RedisShieldStore.connect(RedisTestSupport.URI, prefix);
    opened.add(s);
    return s;
  }

  @Override
  protected ShieldStore secondNode(ShieldStore first) {
    return store();
  }

  /** A window of failures is one key that Redis forgets after the time given, whatever happens to the node. */
  @Test
  void aWindowOfFailuresExpiresInRedis() {
    ShieldStore s = store();
    assertThat(s.countsFailures()).isTrue();
    s.addFailures("198.51.100.30@1", 3, java.time.Duration.ofSeconds(120));
    RedisClient admin = RedisClient.create(RedisTestSupport.URI);
    try (StatefulRedisConnection<String, String> conn = admin.connect()) {
      assertThat(conn.sync().get(prefix + "shield:failures:198.51.100.30@1")).isEqualTo("3");
      assertThat(conn.sync().pttl(prefix + "shield:failures:198.51.100.30@1")).isBetween(1L, 120_000L);
    } finally {
      admin.shutdown();
    }
  }

  @Test
  void anEntryThatCannotBeReadIsSkippedNeverAnError() {
    ShieldStore s = store();
    RedisClient admin = RedisClient.create(RedisTestSupport.URI);
    try (StatefulRedisConnection<String, String> conn = admin.connect()) {
      conn.sync().hset(prefix + "shield:rules", "sr_aaaaaaaaaaaaaaaa", "deny|not a cidr|-|0");
      conn.sync().hset(prefix + "shield:bans", "203.0.113.1", "garbage");
    } finally {
      admin.shutdown();
    }
    assertThat(s.rules()).isEmpty();
    assertThat(s.bans()).isEmpty();
  }
}
