package dev.monetize.benchmarks;

import dev.monetize.Admission;
import dev.monetize.ApiRequest;
import dev.monetize.Monetize;
import dev.monetize.plans.Operation;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * What {@link HotPathBenchmark} cannot tell apart: the bytes the request thread allocates per call
 * and the bytes the audit thread allocates per event it links, measured per thread with
 * {@code ThreadMXBean}; and the share of events the audit thread drops when one thread calls the
 * engine as fast as it can (its SHA-256 chain is slower than the request path, and the default
 * overflow for a sink that is not durable drops). Prints one JSON object.
 *
 * <pre>java -cp benchmarks.jar dev.monetize.benchmarks.HotPathSplit [--metrics]</pre>
 * With {@code --metrics}, the Micrometer binder is attached to a Prometheus registry first.
 */
public final class HotPathSplit {
  private static final int CALLS = 2_000_000;

  private HotPathSplit() {}

  /** Warms up, then measures five rounds and prints the last. */
  public static void main(String[] args) throws InterruptedException {
    Operation summary = Operation.builder("summary", "GET", "/v1/stats/summary").build();
    Contenders.Engine engine = Contenders.engine(summary);
    Monetize monetize = engine.monetize();
    if (java.util.Arrays.asList(args).contains("--metrics")) {
      new dev.monetize.micrometer.MonetizeMetrics(monetize).bindTo(new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
          io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT));
    }
    ApiRequest request = ApiRequest.of("GET", "/v1/stats/summary", "10.0.0.1", "req", "Bearer " + engine.secret(), null);
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long self = Thread.currentThread().getId();
    long audit = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("monetize-audit"))
        .mapToLong(Thread::getId).findFirst().orElseThrow(() -> new IllegalStateException("no audit thread"));
    String json = "";
    for (int round = 0; round < 6; round++) {
      drained(monetize);
      long dropped0 = monetize.metrics().auditEventsDropped();
      long audit0 = threads.getThreadAllocatedBytes(audit);
      long request0 = threads.getThreadAllocatedBytes(self);
      for (int i = 0; i < CALLS; i++) {
        Admission a = monetize.admit(summary, request);
        a.complete(200, 128);
      }
      long request1 = threads.getThreadAllocatedBytes(self);
      drained(monetize);
      long audit1 = threads.getThreadAllocatedBytes(audit);
      long dropped = monetize.metrics().auditEventsDropped() - dropped0;
      long linked = CALLS - dropped;
      json = String.format(Locale.ROOT, "{\"request_thread_bytes_per_call\": %.1f, \"audit_thread_bytes_per_event\": %.1f, "
          + "\"audit_dropped_share\": %.3f}", (request1 - request0) / (double) CALLS,
          linked == 0 ? 0.0 : (audit1 - audit0) / (double) linked, dropped / (double) CALLS);
    }
    monetize.close();
    System.out.println(json);
  }

  private static void drained(Monetize monetize) throws InterruptedException {
    while (monetize.metrics().auditQueued() > 0) {
      Thread.sleep(5);
    }
    Thread.sleep(50); // the batch taken last is linked and handed to the sink
  }
}
