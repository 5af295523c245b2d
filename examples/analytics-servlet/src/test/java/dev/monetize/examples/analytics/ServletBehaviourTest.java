package dev.monetize.examples.analytics;

import dev.monetize.metering.UsageSink;
import dev.monetize.plans.Catalog;

/** The shared behaviour suite on the servlet example (embedded Jetty). */
class ServletBehaviourTest extends AnalyticsBehaviourContract {
  @Override
  protected Service start(Catalog plans, UsageSink usage, dev.monetize.TimeSource time,
      dev.monetize.examples.analytics.domain.EventStore store) throws Exception {
    Catalog.Builder b = Catalog.builder();
    plans.plans().forEach(b::plan);
    AnalyticsServer.defaultCatalog().operations().forEach(b::operation); // the routes of the plans file
    AnalyticsServer app = AnalyticsServer.builder().port(0).catalog(b.build()).usageSink(usage).timeSource(time)
        .eventStore(store).start();
    return Service.of("http://127.0.0.1:" + app.port(), app.demoKeys(), app.monetize(), app::close);
  }
}
