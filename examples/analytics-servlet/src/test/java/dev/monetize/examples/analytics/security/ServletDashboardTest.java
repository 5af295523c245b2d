package dev.monetize.examples.analytics.security;

import dev.monetize.TimeSource;
import dev.monetize.management.ManagementLimits;

/** The dashboard's HTTP contract on the Servlet example. */
class ServletDashboardTest extends DashboardContract {
  @Override
  protected ExampleUnderTest start(TimeSource time, ManagementLimits limits) throws Exception {
    return ServletExamples.start(time, limits);
  }
}
