package dev.monetize.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark once, briefly, in this JVM: catches a broken benchmark (a setup that
 * throws, a contender that refuses) in the normal build without spending minutes. The numbers it
 * produces mean nothing; {@code bench/run.sh} measures.
 */
class BenchmarksSmokeTest {
  /** Every benchmark matching {@code include}, in this JVM, one short iteration, no warm-up. */
  private static Collection<RunResult> once(String include, int threads) throws Exception {
    Options options = new OptionsBuilder()
        .include(include)
        .forks(0)
        .warmupIterations(0)
        .measurementIterations(1)
        .measurementTime(TimeValue.milliseconds(40))
        .timeUnit(TimeUnit.NANOSECONDS)
        .threads(threads)
        .shouldFailOnError(true)
        .verbosity(org.openjdk.jmh.runner.options.VerboseMode.SILENT)
        .build();
    return new Runner(options).run();
  }

  @Test
  void everyBenchmarkRunsOnce() throws Exception {
    Collection<RunResult> results = once("dev\\.monetize\\.benchmarks\\.(Limiter|PerKey|HotPath|Key|Journal|AuditChain)Benchmark", 1);
    // 5 single-key contenders + 3 keyed contenders x 2 access patterns + 4 hot-path + 2 key + 2 x 2 journal
    // benchmarks + chaining one audit event and chaining then delivering a batch
    assertThat(results).hasSize(5 + 6 + 4 + 2 + 4 + 2);
    assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
  }

  @Test
  void theRedisBenchmarkRunsOnce() throws Exception {
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(new java.net.InetSocketAddress("127.0.0.1", 6379), 500);
    } catch (java.io.IOException e) {
      if ("true".equals(System.getenv("CI"))) {
        org.junit.jupiter.api.Assertions.fail("Redis is not reachable at 127.0.0.1:6379; CI=true: this must run");
      }
      org.junit.jupiter.api.Assumptions.abort("Redis is not reachable at 127.0.0.1:6379: skipping the Redis benchmark smoke run");
    }
    Collection<RunResult> results = once("dev\\.monetize\\.benchmarks\\.RedisBenchmark", 2);
    assertThat(results).hasSize(3 * 2);
    assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
  }
}
