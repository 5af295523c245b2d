package dev.monetize.examples.analytics.jaxrs;

import dev.monetize.examples.analytics.MetricsEndpointContract;

/** The metrics contract on the JAX-RS example (Jersey, {@code @OperatorOnly}). */
class JaxrsMetricsEndpointTest extends MetricsEndpointContract {
  @Override
  protected Running start() throws Exception {
    AnalyticsJaxrsServer app = AnalyticsJaxrsServer.builder().port(0).start();
    return Running.of("http://127.0.0.1:" + app.port(), app.demoKeys(), app::close);
  }
}
