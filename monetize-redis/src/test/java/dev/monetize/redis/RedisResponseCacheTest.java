package dev.monetize.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.cache.CacheKey;
import dev.monetize.cache.CachedResponse;
import dev.monetize.cache.ResponseCache;
import dev.monetize.testkit.ResponseCacheContract;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Redis response cache against the contract, two clients standing for two nodes; its keys expire. */
class RedisResponseCacheTest extends ResponseCacheContract {
  private final List<RedisResponseCache> opened = new ArrayList<>();
  private String prefix;

  @BeforeEach
  void connect() {
    RedisTestSupport.requireRedis();
    prefix = RedisTestSupport.freshPrefix();
  }

  @AfterEach
  void close() {
    opened.forEach(RedisResponseCache::close);
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
  protected ResponseCache cache() {
    RedisResponseCache c = RedisResponseCache.connect(RedisTestSupport.URI, prefix);
    opened.add(c);
    return c;
  }

  @Override
  protected ResponseCache secondNode(ResponseCache first) {
    return cache();
  }

  @Test
  void anEntryIsOneKeyThatRedisExpiresItself() {
    ResponseCache c = cache();
    String key = CacheKey.builder("acme", "stats").build(c);
    c.put(key, CachedResponse.of("op", 200, "text/plain", new byte[10], Instant.EPOCH), Duration.ofSeconds(30));
    RedisClient admin = RedisClient.create(RedisTestSupport.URI);
    try (StatefulRedisConnection<String, String> conn = admin.connect()) {
      long ttl = conn.sync().pttl(prefix + key);
      assertThat(ttl).isBetween(1L, 30_000L);
    } finally {
      admin.shutdown();
    }
  }

  @Test
  void anEntryThatCannotBeReadIsAMissNeverAnError() {
    ResponseCache c = cache();
    RedisClient admin = RedisClient.create(RedisTestSupport.URI);
    try (StatefulRedisConnection<String, String> conn = admin.connect()) {
      conn.sync().set(prefix + "{acme}:c:garbage", "not an entry");
    } finally {
      admin.shutdown();
    }
    assertThat(c.get("{acme}:c:garbage")).isEmpty();
  }

  @Test
  void theGenerationsOfARequestAreOneCommand() {
    ResponseCache c = cache();
    RedisClient admin = RedisClient.create(RedisTestSupport.URI);
    try (StatefulRedisConnection<String, String> stats = admin.connect()) {
      long mgetBefore = calls(stats.sync().info("commandstats"), "mget");
      long getBefore = calls(stats.sync().info("commandstats"), "get");
      long[] g = c.generations(List.of(CacheKey.generationName("acme", "stats"),
          CacheKey.generationName(CacheKey.EVERYONE, "stats")));
      assertThat(g).hasSize(2);
      assertThat(calls(stats.sync().info("commandstats"), "mget")).isEqualTo(mgetBefore + 1);
      assertThat(calls(stats.sync().info("commandstats"), "get")).isEqualTo(getBefore);
    } finally {
      admin.shutdown();
    }
  }

  /** Calls of one command so far, from {@code INFO commandstats}. */
  private static long calls(String info, String command) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("cmdstat_" + command + ":calls=(\\d+)").matcher(info);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  @Test
  void anEntryWrittenBeforeHeadersWereKeptIsReadWithNone() throws Exception {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.DataOutputStream d = new java.io.DataOutputStream(out); // value layout 2, as the version before wrote it
    d.writeByte(2);
    d.writeUTF("stats.summary");
    d.writeShort(200);
    d.writeUTF("application/json");
    d.writeUTF("\"etag\"");
    d.writeLong(Instant.parse("2026-03-01T00:00:00Z").toEpochMilli());
    d.writeInt(2);
    d.write("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    d.writeInt(0);
    RedisClient admin = RedisClient.create(RedisTestSupport.URI);
    try (StatefulRedisConnection<byte[], byte[]> conn = admin.connect(io.lettuce.core.codec.ByteArrayCodec.INSTANCE)) {
      conn.sync().set((prefix + "{acme}:c:old").getBytes(java.nio.charset.StandardCharsets.UTF_8), out.toByteArray());
    } finally {
      admin.shutdown();
    }
    CachedResponse old = cache().get("{acme}:c:old").orElseThrow();
    assertThat(old.operation()).isEqualTo("stats.summary");
    assertThat(old.etag()).isEqualTo("\"etag\"");
    assertThat(old.headers()).isEmpty();
  }

  @Test
  void aHeaderLongerThan64KiBIsKept() {
    ResponseCache c = cache();
    String key = CacheKey.builder("acme", "stats").path("/long").build(c);
    String policy = "default-src 'self' " + "https://a.example.com ".repeat(4_000); // about 88 KB
    CachedResponse r = CachedResponse.of("op", 200, "text/plain", new byte[1], List.of(
        new dev.monetize.http.Header("Content-Security-Policy", policy)), Instant.EPOCH);
    c.put(key, r, Duration.ofSeconds(30));
    assertThat(cache().get(key).orElseThrow().headers()).containsExactly(
        new dev.monetize.http.Header("Content-Security-Policy", policy));
  }
}
