package dev.monetize.benchmarks;

import dev.monetize.limits.LimitRequest;
import dev.monetize.limits.QuotaPolicy;
import dev.monetize.limits.RatePolicy;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.QuotaWindow;
import dev.monetize.redis.RedisLimiterStore;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Limits on a real Redis (127.0.0.1:6379, or {@code -Dredis=redis://...}), same concurrency for all:
 * Monetize checking a request's rate and daily quota in one script call, a plain Lettuce
 * {@code INCR} (the floor: one command, no logic), and Bucket4j's Lettuce proxy manager
 * {@code tryConsume}. Each contender uses one shared Lettuce connection, as a service would.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@Threads(8)
public class RedisBenchmark {
  private static final int CUSTOMERS = 1_000;

  @Param({"monetize", "incr", "bucket4j"})
  public String contender;

  /** {@code hot}: every call on one customer; {@code spread}: 1,000 customers in turn. */
  @Param({"hot", "spread"})
  public String keys;

  private final String prefix = "monetize-bench:" + UUID.randomUUID() + ":";
  private final dev.monetize.TimeSource clock = dev.monetize.TimeSource.system();
  private RedisClient client;
  private RedisLimiterStore monetize;
  private StatefulRedisConnection<String, String> plain;
  private RedisCommands<String, String> incr;
  private StatefulRedisConnection<String, byte[]> bytes;
  private List<List<LimitRequest>> requests;
  private List<String> counters;
  private List<BucketProxy> buckets;

  /** Each thread walks the customers from its own offset. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;

    @Setup(Level.Trial)
    public void setUp() {
      next = (int) (Thread.currentThread().getId() * 31 % CUSTOMERS);
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    String uri = System.getProperty("redis", "redis://127.0.0.1:6379/0");
    int n = "hot".equals(keys) ? 1 : CUSTOMERS;
    requests = new ArrayList<>(n);
    counters = new ArrayList<>(n);
    buckets = new ArrayList<>(n);
    RatePolicy rate = new RatePolicy("rate", Contenders.rate());
    QuotaPolicy daily = new QuotaPolicy("daily", Long.MAX_VALUE / 8, QuotaWindow.DAY, BillingAnchor.DEFAULT);
    switch (contender) {
      case "monetize" -> {
        monetize = RedisLimiterStore.builder().uri(uri).keyPrefix(prefix).commandTimeout(Duration.ofSeconds(2)).build();
        for (int i = 0; i < n; i++) {
          String c = "{c" + i + "}:";
          requests.add(List.of(new LimitRequest(c + "rate", rate, 1), new LimitRequest(c + "daily", daily, 1)));
        }
      }
      case "incr" -> {
        client = RedisClient.create(uri);
        plain = client.connect();
        incr = plain.sync();
        for (int i = 0; i < n; i++) {
          counters.add(prefix + "{c" + i + "}:n");
        }
      }
      case "bucket4j" -> {
        client = RedisClient.create(uri);
        bytes = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        LettuceBasedProxyManager<String> proxies = Bucket4jLettuce.casBasedBuilder(bytes).build();
        BucketConfiguration config = BucketConfiguration.builder()
            .addLimit(l -> l.capacity(Contenders.BURST).refillGreedy(Contenders.RATE, Duration.ofSeconds(1)))
            .build();
        for (int i = 0; i < n; i++) {
          buckets.add(proxies.builder().build(prefix + "{c" + i + "}:bucket", () -> config));
        }
      }
      default -> throw new IllegalArgumentException("unknown contender " + contender);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    RedisClient cleaner = RedisClient.create(System.getProperty("redis", "redis://127.0.0.1:6379/0"));
    try (StatefulRedisConnection<String, String> c = cleaner.connect()) {
      List<String> left = c.sync().keys(prefix + "*");
      if (!left.isEmpty()) {
        c.sync().del(left.toArray(String[]::new));
      }
    } finally {
      cleaner.shutdown();
    }
    if (monetize != null) {
      monetize.close();
    }
    if (plain != null) {
      plain.close();
    }
    if (bytes != null) {
      bytes.close();
    }
    if (client != null) {
      client.shutdown();
    }
  }

  private int next(Cursor cursor, int size) {
    int i = cursor.next % size;
    cursor.next = i + 1 >= size ? 0 : i + 1;
    return i;
  }

  @Benchmark
  public Object call(Cursor cursor) {
    return switch (contender) {
      case "monetize" -> monetize.acquire(requests.get(next(cursor, requests.size())), clock.epochNanos());
      case "incr" -> incr.incr(counters.get(next(cursor, counters.size())));
      default -> buckets.get(next(cursor, buckets.size())).tryConsume(1);
    };
  }
}
