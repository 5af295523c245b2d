package dev.monetize.examples.analytics.spring.security;

import dev.monetize.TimeSource;
import dev.monetize.examples.analytics.security.DashboardContract;
import dev.monetize.examples.analytics.security.ExampleUnderTest;
import dev.monetize.management.ManagementLimits;

/** The dashboard's HTTP contract on the Spring example. */
class SpringDashboardTest extends DashboardContract {
  @Override
  protected ExampleUnderTest start(TimeSource time, ManagementLimits limits) {
    return SpringExamples.start(time, limits);
  }
}
