package dev.monetize.examples.analytics.jaxrs;

import dev.monetize.examples.analytics.MetricsEndpointContract;
import java.util.Map;

/** The metrics contract on the JAX-RS example (Jersey, {@code @OperatorOnly}). */
class JaxrsMetricsEndpointTest extends MetricsEndpointContract {
  @Override
  protected Running start() throws Exception {
    AnalyticsJaxrsServer app = AnalyticsJaxrsServer.builder().port(0).start();
    return new Running() {
      @Override
      public String base() {
        return "http://127.0.0.1:" + app.port();
      }

      @Override
      public Map<String, String> keys() {
        return app.demoKeys();
      }

      @Override
      public void close() {
        app.close();
      }
    };
  }
}
