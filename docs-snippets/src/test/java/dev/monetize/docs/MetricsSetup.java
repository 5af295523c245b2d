package dev.monetize.docs;

// tag::bind[]
import dev.monetize.Monetize;
import dev.monetize.micrometer.MonetizeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
// end::bind[]
// tag::operator-only[]
import dev.monetize.servlet.MonetizeFilter;
// end::operator-only[]

/** docs/monitoring.md: the engine bound to a Prometheus registry, and /metrics for the operator only. */
final class MetricsSetup {
  private MetricsSetup() {}

  static PrometheusMeterRegistry bind(Monetize monetize) {
    // tag::bind[]
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new MonetizeMetrics(monetize).bindTo(registry);
    // end::bind[]
    return registry;
  }

  static MonetizeFilter filter(Monetize monetize) {
    // tag::operator-only[]
    MonetizeFilter filter = new MonetizeFilter(monetize).operatorOnly("/metrics");
    // end::operator-only[]
    return filter;
  }
}
