package dev.monetize.examples.analytics;

import dev.monetize.Monetize;
import dev.monetize.metering.UsageSink;
import dev.monetize.plans.Catalog;
import java.util.Map;

/** The shared behaviour suite on the servlet example (embedded Jetty). */
class ServletBehaviourTest extends AnalyticsBehaviourContract {
  @Override
  protected Service start(Catalog plans, UsageSink usage) throws Exception {
    Catalog.Builder b = Catalog.builder();
    plans.plans().forEach(b::plan);
    AnalyticsServer.defaultCatalog().operations().forEach(b::operation); // the routes of the plans file
    AnalyticsServer app = AnalyticsServer.builder().port(0).catalog(b.build()).usageSink(usage).start();
    return new Service() {
      @Override
      public String base() {
        return "http://127.0.0.1:" + app.port();
      }

      @Override
      public Map<String, String> demoKeys() {
        return app.demoKeys();
      }

      @Override
      public Monetize monetize() {
        return app.monetize();
      }

      @Override
      public void close() {
        app.close();
      }
    };
  }
}
