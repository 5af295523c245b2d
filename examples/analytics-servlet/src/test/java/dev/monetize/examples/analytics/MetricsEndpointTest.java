package dev.monetize.examples.analytics;

import java.util.Map;

/** The metrics contract on the servlet example. */
class MetricsEndpointTest extends MetricsEndpointContract {
  @Override
  protected Running start() throws Exception {
    AnalyticsServer app = AnalyticsServer.builder().port(0).start();
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
