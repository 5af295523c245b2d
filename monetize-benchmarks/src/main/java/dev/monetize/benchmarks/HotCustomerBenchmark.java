package dev.monetize.benchmarks;

import dev.monetize.limits.LimitRequest;
import dev.monetize.limits.LimiterStore;
import dev.monetize.limits.RateLeasing;
import dev.monetize.limits.RatePolicy;
import dev.monetize.plans.Rate;
import dev.monetize.redis.RedisEndpoint;
import dev.monetize.redis.RedisLimiterStore;
import java.time.Duration;
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
 * One hot customer, a rate limit only (generous: every call admitted), 8 threads of one instance on
 * a real Redis ({@code -Dredis=redis://...}, or {@code -Dredis.cluster=host:port,...}): the exact
 * mode (one script call per request) against {@link RateLeasing} (one per batch). The secondary
 * result {@code scriptCallsPerCall} is what the customer's Redis slot sees per request.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(8)
public class HotCustomerBenchmark {
  @Param({"exact", "leasing"})
  public String mode;

  private RedisLimiterStore redis;
  private LimiterStore store;
  private List<LimitRequest> limits;
  private final dev.monetize.TimeSource clock = dev.monetize.TimeSource.system();

  @Setup(Level.Trial)
  public void setUp() {
    String cluster = System.getProperty("redis.cluster", "");
    RedisEndpoint endpoint = cluster.isBlank() ? RedisEndpoint.of(System.getProperty("redis", "redis://127.0.0.1:6379/0"))
        : RedisEndpoint.cluster(cluster);
    redis = RedisLimiterStore.builder().endpoint(endpoint).keyPrefix("monetize-bench:" + UUID.randomUUID() + ":")
        .commandTimeout(Duration.ofSeconds(2)).build();
    store = "leasing".equals(mode) ? RateLeasing.over(redis).maxBatch(64).maxAge(Duration.ofMillis(50)).build() : redis;
    limits = List.of(new LimitRequest("{hot}:rate",
        new RatePolicy("rate", Rate.perSecond(1_000_000_000).withBurst(1_000_000)), 1));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    redis.close();
  }

  @Benchmark
  public boolean call() {
    return store.acquire(limits, clock.epochNanos()).admitted();
  }
}
