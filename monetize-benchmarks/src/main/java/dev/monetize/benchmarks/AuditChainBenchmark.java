package dev.monetize.benchmarks;

import dev.monetize.audit.AuditEvent;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the audit thread does for every request: link one event into its tenant's hash chain (the
 * RFC 8785 canonical JSON of the event, hashed with SHA-256 after the previous hash). It runs off
 * the request thread, but on the same cores: the HTTP benchmark's server spends it per request.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class AuditChainBenchmark {
  private final AuditEvent event = new AuditEvent(Instant.parse("2026-12-03T16:20:31.123456Z"),
      "0c7e9d0f-6a43-4d0e-9b1e-2f4b8a6c1d2e", Optional.of("acme"), Optional.of("key_7Hq2xv9LmN3p"), "summary", "GET",
      "/v1/stats/summary", "203.0.113.9", 200, "admitted", 1_234, 18, Map.of(), 0, 0, "", "", "",
      "/v1/stats/summary", Map.of("from", "2026-11-01"), "curl/8.5.0");
  private final String previous = event.chained("1796313600000", 41, AuditEvent.GENESIS).hash();

  private static final int BATCH = 16;
  private final dev.monetize.audit.internal.AuditChain chain = new dev.monetize.audit.internal.AuditChain();
  private final AuditEvent[] mixed = new AuditEvent[BATCH];
  private final java.util.List<AuditEvent> batch = new java.util.ArrayList<>(BATCH);
  private final dev.monetize.audit.AuditSink sink = events -> { };

  {
    for (int i = 0; i < BATCH; i++) { // the requests of four customers, interleaved
      mixed[i] = new AuditEvent(event.time().plusNanos(i * 1_000L), event.requestId(), Optional.of("customer-" + i % 4),
          event.keyId(), "summary", "GET", "/v1/stats/summary", "203.0.113.9", 200, "admitted", 1_234, 18, Map.of(), 0,
          0, "", "", "", "/v1/stats/summary", Map.of("from", "2026-11-01"), "curl/8.5.0");
    }
  }

  /**
   * What the audit thread does per event beyond hashing it: each of a batch of 16 events of four
   * customers chained as it is made, then the batch delivered (the chain's bookkeeping included).
   */
  @Benchmark
  @org.openjdk.jmh.annotations.OperationsPerInvocation(BATCH)
  public java.util.List<AuditEvent> chainAndDeliverBatch() throws Exception {
    batch.clear();
    for (AuditEvent e : mixed) {
      batch.add(chain.build(e, dev.monetize.audit.internal.EventBuilder.EVENTS));
    }
    chain.deliver(batch, sink);
    return batch;
  }

  /** One event of a typical admitted request, chained after the previous one. */
  @Benchmark
  public AuditEvent chainOneEvent() {
    return event.chained("1796313600000", 42, previous);
  }
}
