package dev.monetize.benchmarks;

import dev.monetize.ApiRequest;
import dev.monetize.Decision;
import dev.monetize.Monetize;
import dev.monetize.plans.Operation;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Identifying the caller alone ({@code Monetize.authenticate}): a valid key found in the
 * verification cache (one SHA-256 and one cache lookup), and a key whose checksum is wrong
 * (refused before any hashing or lookup).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class KeyBenchmark {
  private Monetize monetize;
  private Operation op;
  private ApiRequest valid;
  private ApiRequest malformed;

  @Setup(Level.Trial)
  public void setUp() {
    op = Operation.builder("summary", "GET", "/v1/stats/summary").build();
    Contenders.Engine engine = Contenders.engine(op);
    monetize = engine.monetize();
    valid = ApiRequest.of("GET", "/v1/stats/summary", "10.0.0.1", "req", "Bearer " + engine.secret(), null);
    malformed = ApiRequest.of("GET", "/v1/stats/summary", "10.0.0.1", "req",
        "Bearer " + Contenders.broken(engine.secret()), null);
    if (!verifyCachedKey().admitted() || malformedKeyRefused().admitted()) {
      throw new IllegalStateException("the benchmark setup does not admit/refuse as intended");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    monetize.close();
  }

  @Benchmark
  public Decision verifyCachedKey() {
    return monetize.authenticate(valid, op);
  }

  @Benchmark
  public Decision malformedKeyRefused() {
    return monetize.authenticate(malformed, op);
  }
}
