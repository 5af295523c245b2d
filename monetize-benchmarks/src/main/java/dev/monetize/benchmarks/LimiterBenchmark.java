package dev.monetize.benchmarks;

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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One limit check on one shared key: Monetize's in-memory GCRA ({@code tryAcquire}, and
 * {@code acquire} with the state the headers report) against Bucket4j
 * {@code tryConsume}, Guava {@code RateLimiter.tryAcquire} and Resilience4j
 * {@code acquirePermission}, all configured never to refuse. Run with {@code -t 1} and {@code -t 2}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class LimiterBenchmark {
  @Param({"monetize", "monetize-verdict", "bucket4j", "guava", "resilience4j"})
  public String contender;

  private Contenders.Limiter limiter;

  @Setup(Level.Trial)
  public void setUp() {
    limiter = Contenders.single(contender);
    if (!limiter.tryAcquire()) {
      throw new IllegalStateException(contender + " refused its first permit: the configuration is wrong");
    }
  }

  @Benchmark
  public boolean tryAcquire() {
    return limiter.tryAcquire();
  }
}
