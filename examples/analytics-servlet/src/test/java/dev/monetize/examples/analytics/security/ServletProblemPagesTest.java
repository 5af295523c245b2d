package dev.monetize.examples.analytics.security;

import dev.monetize.TimeSource;
import dev.monetize.management.ManagementLimits;

/** Jetty's own refusals as problem JSON on the servlet example. */
class ServletProblemPagesTest extends ProblemPagesContract {
  @Override
  protected ExampleUnderTest start(TimeSource time, ManagementLimits limits) throws Exception {
    return ServletExamples.start(time, limits);
  }
}
