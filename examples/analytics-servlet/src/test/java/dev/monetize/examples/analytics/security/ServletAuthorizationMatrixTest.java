package dev.monetize.examples.analytics.security;

import dev.monetize.TimeSource;
import dev.monetize.management.ManagementLimits;

/** The authorization matrix on the servlet example. */
class ServletAuthorizationMatrixTest extends AuthorizationMatrixContract {
  @Override
  protected ExampleUnderTest start(TimeSource time, ManagementLimits limits) throws Exception {
    return ServletExamples.start(time, limits);
  }
}
