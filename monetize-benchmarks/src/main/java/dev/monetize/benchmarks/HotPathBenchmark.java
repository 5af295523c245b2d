package dev.monetize.benchmarks;

import dev.monetize.Admission;
import dev.monetize.ApiRequest;
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
 * The whole in-memory hot path of one request, as an adapter drives it: verify the key, check and
 * charge two limits (rate and daily quota), then complete (usage aggregation and audit hand-off).
 * Also the refusal of a malformed key, which must never reach a store.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class HotPathBenchmark {
  private Monetize monetize;
  private Operation summary;
  private String validAuthorization;
  private String malformedAuthorization;
  private Monetize metered;
  private String meteredAuthorization;

  @Setup(Level.Trial)
  public void setUp() {
    summary = Operation.builder("summary", "GET", "/v1/stats/summary").build();
    Contenders.Engine engine = Contenders.engine(summary);
    monetize = engine.monetize();
    validAuthorization = "Bearer " + engine.secret();
    malformedAuthorization = "Bearer " + Contenders.broken(engine.secret());
    if (!request(validAuthorization).decision().admitted() || request(malformedAuthorization).decision().admitted()) {
      throw new IllegalStateException("the benchmark setup does not admit/refuse as intended");
    }
    Contenders.Engine withMetrics = Contenders.engine(summary);
    metered = withMetrics.monetize();
    meteredAuthorization = "Bearer " + withMetrics.secret();
    new dev.monetize.micrometer.MonetizeMetrics(metered).bindTo(new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
        io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT));
    for (int i = 0; i < 1_000 && !flooding().decision().error().map(e -> e.code().equals("ip_rate_limited"))
        .orElse(false); i++) {
      // a public address spends its budget of failed authentications: from now on it is refused unseen
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    monetize.close();
    metered.close();
  }

  private Admission request(String authorization) {
    Admission a = monetize.admit(summary, ApiRequest.of("GET", "/v1/stats/summary", "10.0.0.1", "req", authorization, null));
    a.complete(200, 128);
    return a;
  }

  private Admission flooding() {
    Admission a = monetize.admit(summary, ApiRequest.of("GET", "/v1/stats/summary", "203.0.113.9", "req",
        malformedAuthorization, null));
    a.complete(a.decision().status(), 0);
    return a;
  }

  /** Verify a valid key, check two limits, meter and audit. */
  @Benchmark
  public Admission admitAndComplete() {
    return request(validAuthorization);
  }

  /** The same, with the Micrometer binder attached to a Prometheus registry (a timer per request). */
  @Benchmark
  public Admission admitAndCompleteWithMetrics() {
    Admission a = metered.admit(summary, ApiRequest.of("GET", "/v1/stats/summary", "10.0.0.1", "req",
        meteredAuthorization, null));
    a.complete(200, 128);
    return a;
  }

  /** A key with a wrong checksum: refused before any store lookup, counted in the audit trail. */
  @Benchmark
  public Admission malformedKeyRefused() {
    return request(malformedAuthorization);
  }

  /**
   * A flood of malformed keys from one public address: once its budget of failed authentications is
   * spent it is refused ({@code ip_rate_limited}) before its credential is looked at.
   */
  @Benchmark
  public Admission floodFromOneAddressRefused() {
    return flooding();
  }
}
