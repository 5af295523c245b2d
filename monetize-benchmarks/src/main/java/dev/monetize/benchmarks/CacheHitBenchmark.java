package dev.monetize.benchmarks;

import dev.monetize.Admission;
import dev.monetize.ApiRequest;
import dev.monetize.CacheLookup;
import dev.monetize.Monetize;
import dev.monetize.plans.CachePolicy;
import dev.monetize.plans.Operation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
 * A cached answer served through the whole pipeline, in memory: verify the key, check and charge
 * the limits, compute the cache key (SHA-256 over tenant, operation, path, query, headers and tag
 * generations), find the entry, build its headers and the limit headers, pick the form the client
 * takes, meter the call and the hit, hand the audit event off. The target: well under the endpoint's cost, below 2 us.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class CacheHitBenchmark {
  private Monetize monetize;
  private Operation summary;
  private String authorization;

  @Setup(Level.Trial)
  public void setUp() {
    summary = Operation.builder("summary", "GET", "/v1/stats/summary")
        .cache(CachePolicy.ttl(Duration.ofHours(1)).withTags("stats")).build();
    Contenders.Engine engine = Contenders.engine(summary);
    monetize = engine.monetize();
    authorization = "Bearer " + engine.secret();
    Admission first = monetize.admit(summary, request());
    CacheLookup miss = first.cache("from=2026-03-01&to=2026-03-31", "application/json", "gzip");
    miss.store(200, "application/json", "{\"events\":1234,\"users\":56}".getBytes(StandardCharsets.UTF_8));
    first.complete(200, 26);
    if (servedFromCache() < 0) {
      throw new IllegalStateException("the benchmark setup does not hit the cache");
    }
  }

  private ApiRequest request() {
    return ApiRequest.of("GET", "/v1/stats/summary", "10.0.0.1", "req", authorization, null);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    monetize.close();
  }

  /**
   * Admit, find the entry, take its headers (and the limit headers) and the form to send, complete:
   * what an adapter does for a hit.
   */
  @Benchmark
  public int servedFromCache() {
    Admission a = monetize.admit(summary, request());
    CacheLookup c = a.cache("to=2026-03-31&from=2026-03-01", "application/json", "gzip, deflate, br");
    if (c.hit().isEmpty()) {
      return -1;
    }
    int headers = c.headers().size() + a.responseHeaders().size();
    byte[] body = c.representation().orElseThrow().bytes();
    a.complete(200, body.length);
    return headers + body.length;
  }
}
