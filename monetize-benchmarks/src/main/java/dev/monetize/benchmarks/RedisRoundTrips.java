package dev.monetize.benchmarks;

import dev.monetize.limits.ConcurrencyPolicy;
import dev.monetize.limits.LimitRequest;
import dev.monetize.limits.LimitVerdict;
import dev.monetize.limits.QuotaPolicy;
import dev.monetize.limits.RatePolicy;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.QuotaWindow;
import dev.monetize.redis.RedisLimiterStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Counts what the Redis server executes per Monetize request, from {@code INFO commandstats}: a
 * request with a rate, two quotas and a concurrency limit must be exactly one {@code EVALSHA}.
 * Prints one JSON object.
 */
public final class RedisRoundTrips {
  private static final int REQUESTS = 10_000;

  private RedisRoundTrips() {}

  /** Runs {@value #REQUESTS} requests and prints the per-request command counts. */
  public static void main(String[] args) {
    String uri = System.getProperty("redis", "redis://127.0.0.1:6379/0");
    dev.monetize.TimeSource clock = dev.monetize.TimeSource.system();
    String prefix = "monetize-bench:" + UUID.randomUUID() + ":";
    RedisClient admin = RedisClient.create(uri);
    try (StatefulRedisConnection<String, String> c = admin.connect();
        RedisLimiterStore store = RedisLimiterStore.builder().uri(uri).keyPrefix(prefix).build()) {
      List<LimitRequest> limits = List.of(
          new LimitRequest("{acme}:rate", new RatePolicy("rate", Contenders.rate()), 1),
          new LimitRequest("{acme}:daily", new QuotaPolicy("daily", 1L << 40, QuotaWindow.DAY, BillingAnchor.DEFAULT), 1),
          new LimitRequest("{acme}:monthly", new QuotaPolicy("monthly", 1L << 40, QuotaWindow.MONTH, BillingAnchor.DEFAULT), 1),
          new LimitRequest("{acme}:concurrency", new ConcurrencyPolicy("concurrency", 1L << 20), 1));
      store.acquire(limits, clock.epochNanos()); // the script is loaded before counting
      Map<String, Long> before = stats(c);
      for (int i = 0; i < REQUESTS; i++) {
        LimitVerdict v = store.acquire(limits, clock.epochNanos());
        if (!v.admitted()) {
          throw new IllegalStateException("refused: " + v);
        }
      }
      Map<String, Long> after = stats(c);
      Map<String, Long> delta = new HashMap<>();
      after.forEach((k, v) -> {
        long d = v - before.getOrDefault(k, 0L);
        if (d > 0 && !k.equals("info")) {
          delta.put(k, d);
        }
      });
      long inside = delta.entrySet().stream().filter(e -> !e.getKey().startsWith("eval")).mapToLong(Map.Entry::getValue).sum();
      System.out.println(String.format(Locale.ROOT,
          "{\"requests\": %d, \"evalsha_per_request\": %.3f, \"eval_per_request\": %.3f, "
              + "\"commands_inside_script_per_request\": %.3f}",
          REQUESTS, delta.getOrDefault("evalsha", 0L) / (double) REQUESTS,
          delta.getOrDefault("eval", 0L) / (double) REQUESTS, inside / (double) REQUESTS));
      List<String> left = c.sync().keys(prefix + "*");
      if (!left.isEmpty()) {
        c.sync().del(left.toArray(String[]::new));
      }
    } finally {
      admin.shutdown();
    }
  }

  private static Map<String, Long> stats(StatefulRedisConnection<String, String> c) {
    Map<String, Long> calls = new HashMap<>();
    for (String line : c.sync().info("commandstats").split("\r?\n")) {
      if (line.startsWith("cmdstat_")) {
        String name = line.substring(8, line.indexOf(':'));
        for (String field : line.substring(line.indexOf(':') + 1).split(",")) {
          if (field.startsWith("calls=")) {
            calls.put(name, Long.parseLong(field.substring(6)));
          }
        }
      }
    }
    return calls;
  }
}
