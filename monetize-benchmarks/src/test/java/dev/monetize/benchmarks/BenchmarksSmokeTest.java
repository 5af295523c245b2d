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
  @Test
  void everyBenchmarkRunsOnce() throws Exception {
    Options options = new OptionsBuilder()
        .include("dev\\.monetize\\.benchmarks\\.(Limiter|PerKey|HotPath)Benchmark")
        .forks(0)
        .warmupIterations(0)
        .measurementIterations(1)
        .measurementTime(TimeValue.milliseconds(30))
        .timeUnit(TimeUnit.NANOSECONDS)
        .threads(1)
        .shouldFailOnError(true)
        .verbosity(org.openjdk.jmh.runner.options.VerboseMode.SILENT)
        .build();
    Collection<RunResult> results = new Runner(options).run();
    // 4 single-key contenders + 3 keyed contenders x 2 access patterns + 2 hot-path benchmarks
    assertThat(results).hasSize(4 + 6 + 2);
    assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
  }
}
