package dev.monetize.examples.analytics.spring;

import dev.monetize.examples.analytics.MetricsEndpointContract;

/** The metrics contract on the Spring Boot example ({@code monetize.operator-only=/metrics}). */
class SpringMetricsEndpointTest extends MetricsEndpointContract {
  @Override
  protected Running start() {
    AnalyticsSpringServer app = AnalyticsSpringServer.builder().port(0).start();
    return Running.of("http://127.0.0.1:" + app.port(), app.demoKeys(), app::close);
  }
}
