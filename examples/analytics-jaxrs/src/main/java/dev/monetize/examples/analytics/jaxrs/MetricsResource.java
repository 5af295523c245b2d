package dev.monetize.examples.analytics.jaxrs;

import dev.monetize.Monetize;
import dev.monetize.jaxrs.MonetizeJaxrs;
import dev.monetize.jaxrs.OperatorOnly;
import dev.monetize.micrometer.MonetizeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@code GET /metrics}: the engine's meters in Prometheus text, for the operator's credential only. */
@Path("metrics")
public final class MetricsResource {
  /** One registry per engine, bound once. */
  private static final Map<Monetize, PrometheusMeterRegistry> REGISTRIES = new ConcurrentHashMap<>();

  private final PrometheusMeterRegistry registry;

  /** The resource as Jersey creates it from its class: the engine from the application's properties. */
  public MetricsResource(@jakarta.ws.rs.core.Context jakarta.ws.rs.core.Configuration configuration) {
    this((Monetize) configuration.getProperty(MonetizeJaxrs.ENGINE_PROPERTY));
  }

  MetricsResource(Monetize monetize) {
    this.registry = bind(monetize);
  }

  /** The engine's registry, created and bound at the first call: the application calls it at start. */
  static PrometheusMeterRegistry bind(Monetize monetize) {
    return REGISTRIES.computeIfAbsent(monetize, m -> {
      PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      new MonetizeMetrics(m).bindTo(r);
      return r;
    });
  }

  /** Forgets the registry of a stopped engine. */
  static void forget(Monetize monetize) {
    REGISTRIES.remove(monetize);
  }

  /** The scrape. */
  @GET
  @OperatorOnly
  @Produces("text/plain; version=0.0.4; charset=utf-8")
  public Response scrape() {
    return Response.ok(registry.scrape()).header("Cache-Control", "no-store").build();
  }
}
