package dev.monetize.benchmarks;

import java.util.SplittableRandom;
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
 * Per-key limits over 100,000 keys, uniform or Zipf (s = 1) access: Monetize's store against
 * Bucket4j buckets kept in a {@code ConcurrentHashMap} or in a Caffeine cache. Every contender is
 * warmed with every key first, so the run measures steady state, not bucket creation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class PerKeyBenchmark {
  static final int KEYS = 100_000;
  private static final int SEQUENCE = 1 << 20;

  @Param({"monetize", "bucket4j-chm", "bucket4j-caffeine"})
  public String contender;

  @Param({"uniform", "zipf"})
  public String access;

  private Contenders.KeyedLimiter limiter;
  private int[] sequence;

  /** Each thread walks the access sequence from its own offset. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;

    @Setup(Level.Trial)
    public void setUp() {
      next = (int) (Thread.currentThread().getId() * 7919) & (SEQUENCE - 1);
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    String[] keys = new String[KEYS];
    for (int i = 0; i < KEYS; i++) {
      keys[i] = "{customer-" + i + "}:rate";
    }
    limiter = Contenders.keyed(contender, keys);
    for (int i = 0; i < KEYS; i++) {
      limiter.tryAcquire(i);
    }
    sequence = "zipf".equals(access) ? zipf(new SplittableRandom(42)) : uniform(new SplittableRandom(42));
  }

  private static int[] uniform(SplittableRandom random) {
    int[] s = new int[SEQUENCE];
    for (int i = 0; i < SEQUENCE; i++) {
      s[i] = random.nextInt(KEYS);
    }
    return s;
  }

  /** Zipf with exponent 1 by inverse transform over the cumulative weights 1/k. */
  private static int[] zipf(SplittableRandom random) {
    double[] cumulative = new double[KEYS];
    double sum = 0;
    for (int k = 0; k < KEYS; k++) {
      sum += 1.0 / (k + 1);
      cumulative[k] = sum;
    }
    int[] s = new int[SEQUENCE];
    for (int i = 0; i < SEQUENCE; i++) {
      double u = random.nextDouble() * sum;
      int idx = java.util.Arrays.binarySearch(cumulative, u);
      s[i] = idx >= 0 ? idx : Math.min(KEYS - 1, -idx - 1);
    }
    return s;
  }

  @Benchmark
  public boolean tryAcquire(Cursor cursor) {
    int i = sequence[cursor.next];
    cursor.next = (cursor.next + 1) & (SEQUENCE - 1);
    return limiter.tryAcquire(i);
  }
}
