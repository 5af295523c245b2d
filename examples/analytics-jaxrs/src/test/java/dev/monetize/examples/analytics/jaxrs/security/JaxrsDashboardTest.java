package dev.monetize.examples.analytics.jaxrs.security;

import dev.monetize.TimeSource;
import dev.monetize.examples.analytics.security.DashboardContract;
import dev.monetize.examples.analytics.security.ExampleUnderTest;
import dev.monetize.management.ManagementLimits;

/** The dashboard's HTTP contract on the Jaxrs example. */
class JaxrsDashboardTest extends DashboardContract {
  @Override
  protected ExampleUnderTest start(TimeSource time, ManagementLimits limits) {
    return JaxrsExamples.start(time, limits, dev.monetize.http.TrustedProxies.none());
  }
}
