package dev.monetize.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.monetize.TimeSource;
import dev.monetize.limits.LimitRequest;
import dev.monetize.limits.LimiterStore;
import dev.monetize.limits.RatePolicy;
import dev.monetize.plans.Rate;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One small adapter per contender, so that every limiter is driven the same way. Every contender
 * gets the same semantics: {@code permitsPerSecond} in the steady state and {@code burst} permits
 * at once, configured so high that none of them ever refuses during a run (we measure the cost of
 * the check, not the waiting).
 */
final class Contenders {
  /** Steady rate, per second. */
  static final long RATE = 1_000_000_000L;
  /** Permits available at once. */
  static final long BURST = 100_000_000L;

  private Contenders() {}

  /** A limiter on one shared key. */
  interface Limiter {
    boolean tryAcquire();
  }

  /** A limiter per key, keys given by index into a fixed key table. */
  interface KeyedLimiter {
    boolean tryAcquire(int keyIndex);
  }

  static Limiter single(String name) {
    return switch (name) {
      case "monetize" -> monetize();
      case "monetize-verdict" -> monetizeVerdict();
      case "bucket4j" -> bucket4j()::tryConsume1;
      case "guava" -> guava();
      case "resilience4j" -> resilience4j();
      default -> throw new IllegalArgumentException("unknown contender " + name);
    };
  }

  static KeyedLimiter keyed(String name, String[] keys) {
    return switch (name) {
      case "monetize" -> monetizeKeyed(keys);
      case "bucket4j-chm" -> bucket4jMap(keys);
      case "bucket4j-caffeine" -> bucket4jCaffeine(keys);
      default -> throw new IllegalArgumentException("unknown contender " + name);
    };
  }

  static Rate rate() {
    return Rate.perSecond(RATE).withBurst(BURST - 1);
  }

  /** An engine with one never-refusing plan (rate and daily quota) and a live key of customer acme. */
  record Engine(dev.monetize.Monetize monetize, String secret) {}

  static Engine engine(dev.monetize.plans.Operation op) {
    dev.monetize.Monetize m = dev.monetize.Monetize.builder()
        .catalog(dev.monetize.plans.Catalog.builder()
            .plan(dev.monetize.plans.Plan.builder("pro").rank(1).rate(rate())
                .quota(dev.monetize.plans.Quota.daily(Long.MAX_VALUE / 8)).build())
            .operation(op).build())
        .environment(dev.monetize.keys.KeyEnvironment.LIVE)
        .usageSink(batch -> { })
        .auditSink(batch -> { })
        .build();
    m.customers().save(dev.monetize.plans.Customer.of("acme", "pro"));
    return new Engine(m, m.keys().issue("acme", java.util.Set.of("*")).secret());
  }

  /** {@code secret} with one character changed: right length and prefix, wrong checksum. */
  static String broken(String secret) {
    char[] chars = secret.toCharArray();
    chars[12] = chars[12] == 'a' ? 'b' : 'a';
    return new String(chars);
  }

  /** The yes/no check every peer offers: lock-free, no allocation. */
  private static Limiter monetize() {
    LimiterStore store = LimiterStore.inMemory();
    TimeSource clock = TimeSource.system();
    LimitRequest request = new LimitRequest("{acme}:rate", new RatePolicy("rate", rate()), 1);
    return () -> store.tryAcquire(request, clock.epochNanos());
  }

  /** The same check with the state the {@code RateLimit} headers need (remaining, reset). */
  private static Limiter monetizeVerdict() {
    LimiterStore store = LimiterStore.inMemory();
    TimeSource clock = TimeSource.system();
    List<LimitRequest> request = List.of(new LimitRequest("{acme}:rate", new RatePolicy("rate", rate()), 1));
    return () -> store.acquire(request, clock.epochNanos()).admitted();
  }

  /** Bucket4j with a greedy refill: the same continuous replenishment as GCRA. */
  static final class B4j {
    private final Bucket bucket;

    B4j(Bucket bucket) {
      this.bucket = bucket;
    }

    boolean tryConsume1() {
      return bucket.tryConsume(1);
    }
  }

  static B4j bucket4j() {
    return new B4j(newBucket());
  }

  static Bucket newBucket() {
    return Bucket.builder()
        .addLimit(Bandwidth.builder().capacity(BURST).refillGreedy(RATE, Duration.ofSeconds(1)).build())
        .build();
  }

  private static Limiter guava() {
    // Guava has no burst setting: a SmoothBursty limiter stores up to one second of permits
    @SuppressWarnings("UnstableApiUsage")
    com.google.common.util.concurrent.RateLimiter limiter = com.google.common.util.concurrent.RateLimiter.create(RATE);
    return limiter::tryAcquire;
  }

  private static Limiter resilience4j() {
    io.github.resilience4j.ratelimiter.RateLimiter limiter = io.github.resilience4j.ratelimiter.RateLimiter.of("bench",
        RateLimiterConfig.custom()
            .limitForPeriod(Integer.MAX_VALUE)
            .limitRefreshPeriod(Duration.ofSeconds(1))
            .timeoutDuration(Duration.ZERO)
            .build());
    return limiter::acquirePermission;
  }

  private static KeyedLimiter monetizeKeyed(String[] keys) {
    LimiterStore store = LimiterStore.inMemory();
    TimeSource clock = TimeSource.system();
    RatePolicy policy = new RatePolicy("rate", rate());
    // the engine builds each customer's requests once and caches them (LimitStep), so do we
    List<List<LimitRequest>> requests = new java.util.ArrayList<>(keys.length);
    for (String key : keys) {
      requests.add(List.of(new LimitRequest(key, policy, 1)));
    }
    return i -> store.acquire(requests.get(i), clock.epochNanos()).admitted();
  }

  private static KeyedLimiter bucket4jMap(String[] keys) {
    ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    return i -> buckets.computeIfAbsent(keys[i], k -> newBucket()).tryConsume(1);
  }

  private static KeyedLimiter bucket4jCaffeine(String[] keys) {
    Cache<String, Bucket> buckets = Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(10)).build();
    return i -> buckets.get(keys[i], k -> newBucket()).tryConsume(1);
  }
}
