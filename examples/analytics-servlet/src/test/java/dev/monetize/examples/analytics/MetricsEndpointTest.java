package dev.monetize.examples.analytics;


/** The metrics contract on the servlet example. */
class MetricsEndpointTest extends MetricsEndpointContract {
  @Override
  protected Running start() throws Exception {
    AnalyticsServer app = AnalyticsServer.builder().port(0).start();
    return Running.of("http://127.0.0.1:" + app.port(), app.demoKeys(), app::close);
  }
}
