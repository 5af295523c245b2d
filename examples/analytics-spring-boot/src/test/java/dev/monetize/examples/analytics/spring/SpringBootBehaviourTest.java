package dev.monetize.examples.analytics.spring;

import dev.monetize.TimeSource;
import dev.monetize.examples.analytics.AnalyticsBehaviourContract;
import dev.monetize.examples.analytics.domain.EventStore;
import dev.monetize.metering.UsageSink;
import dev.monetize.plans.Catalog;

/** The shared behaviour suite on the Spring Boot example. */
class SpringBootBehaviourTest extends AnalyticsBehaviourContract {
  @Override
  protected Service start(Catalog plans, UsageSink usage, TimeSource time, EventStore store) {
    Catalog.Builder b = Catalog.builder();
    plans.plans().forEach(b::plan);
    dev.monetize.examples.analytics.DemoService.plans().operations().forEach(b::operation); // the plans file's routes
    AnalyticsSpringServer app = AnalyticsSpringServer.builder().port(0).catalog(b.build()).usageSink(usage)
        .timeSource(time).eventStore(store).start();
    return Service.of("http://127.0.0.1:" + app.port(), app.demoKeys(), app.monetize(), app::close);
  }
}
