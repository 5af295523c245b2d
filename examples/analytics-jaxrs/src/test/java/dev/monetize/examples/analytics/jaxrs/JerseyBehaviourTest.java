package dev.monetize.examples.analytics.jaxrs;

import dev.monetize.examples.analytics.AnalyticsBehaviourContract;
import dev.monetize.metering.UsageSink;
import dev.monetize.plans.Catalog;

/** The shared behaviour suite on the JAX-RS example as shipped (Jersey). */
class JerseyBehaviourTest extends AnalyticsBehaviourContract {
  @Override
  protected Service start(Catalog plans, UsageSink usage, dev.monetize.TimeSource time,
      dev.monetize.examples.analytics.domain.EventStore store) {
    AnalyticsJaxrsServer app = AnalyticsJaxrsServer.builder().port(0).catalog(plans).usageSink(usage).timeSource(time)
        .eventStore(store).start();
    return Service.of("http://127.0.0.1:" + app.port(), app.demoKeys(), app.monetize(), app::close);
  }
}
