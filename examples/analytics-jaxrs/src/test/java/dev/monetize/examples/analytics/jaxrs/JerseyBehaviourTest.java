package dev.monetize.examples.analytics.jaxrs;

import dev.monetize.Monetize;
import dev.monetize.examples.analytics.AnalyticsBehaviourContract;
import dev.monetize.metering.UsageSink;
import dev.monetize.plans.Catalog;
import java.util.Map;

/** The shared behaviour suite on the JAX-RS example as shipped (Jersey). */
class JerseyBehaviourTest extends AnalyticsBehaviourContract {
  @Override
  protected Service start(Catalog plans, UsageSink usage) {
    AnalyticsJaxrsServer app = AnalyticsJaxrsServer.builder().port(0).catalog(plans).usageSink(usage).start();
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
