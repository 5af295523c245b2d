package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.config.CatalogLoader;
import dev.monetize.metering.InMemoryUsageSink;
import dev.monetize.metering.UsageSink;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A call's CPU time is measured by default exactly when something uses it (a cost model's
 * {@code per_cpu_ms}, a price of {@code cpu_ms}), and as the builder says otherwise.
 */
class CpuTimeDefaultTest {
  private static final String PLANS = """
      plans:
        pro:
          rank: 1
          rate: { count: 1000, period: 1s }
          quotas: [ { limit: 100000, window: month } ]
          scopes: ["*"]
      operations:
        - { id: stats, method: GET, path: /stats }
      """;

  private static long cpuMicrosOfOneCall(Catalog catalog, Boolean measure) {
    InMemoryUsageSink sink = UsageSink.inMemory();
    MonetizeBuilder b = Monetize.builder().catalog(catalog).usageSink(sink).auditSink(batch -> { });
    if (measure != null) {
      b.measureCpuTime(measure);
    }
    try (Monetize m = b.build()) {
      m.customers().save(Customer.of("acme", "pro"));
      String secret = m.keys().issue("acme", Set.of("*")).secret();
      Operation op = catalog.operation("stats").orElseThrow();
      Admission a = m.admit(op, ApiRequest.of("GET", "/stats", "10.0.0.1", "r", "Bearer " + secret, null));
      assertThat(a.admitted()).isTrue();
      ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
      long start = cpu.getCurrentThreadCpuTime();
      while (cpu.getCurrentThreadCpuTime() - start < 2_000_000) {
        Thread.onSpinWait(); // the endpoint's work: 2 ms of this thread's CPU
      }
      a.complete(200, 10);
      m.flushUsage();
      return sink.records().stream().mapToLong(dev.monetize.metering.UsageRecord::cpuMicros).sum();
    }
  }

  @Test
  void measuredByDefaultWhenACostModelOrAPriceUsesIt() {
    Assumptions.assumeTrue(ManagementFactory.getThreadMXBean().isCurrentThreadCpuTimeSupported(),
        "this JVM does not measure thread CPU time");
    Catalog plain = CatalogLoader.parse("plans.yaml", PLANS);
    Catalog costed = CatalogLoader.parse("plans.yaml", PLANS + """
        costs: {currency: USD, per_cpu_ms: "0.000001"}
        """);
    Catalog priced = CatalogLoader.parse("plans.yaml", PLANS.replace("scopes: [\"*\"]",
        "scopes: [\"*\"]\n    currency: USD\n    prices: { stats: { cpu_ms: { model: per_unit, unit: \"0.01\" } } }"));
    assertThat(plain.usesCpuTime()).isFalse();
    assertThat(costed.usesCpuTime()).isTrue();
    assertThat(priced.usesCpuTime()).isTrue();
    assertThat(cpuMicrosOfOneCall(plain, null)).isZero();
    assertThat(cpuMicrosOfOneCall(costed, null)).isGreaterThanOrEqualTo(2_000);
    assertThat(cpuMicrosOfOneCall(priced, null)).isGreaterThanOrEqualTo(2_000);
    assertThat(cpuMicrosOfOneCall(plain, true)).isGreaterThanOrEqualTo(2_000);
    assertThat(cpuMicrosOfOneCall(costed, false)).isZero();
  }
}
