package dev.monetize.examples.analytics.spring.security;

import dev.monetize.TimeSource;
import dev.monetize.examples.analytics.security.AuthorizationMatrixContract;
import dev.monetize.examples.analytics.security.ExampleUnderTest;
import dev.monetize.management.ManagementLimits;

/** The authorization matrix on the Spring Boot example. */
class SpringAuthorizationMatrixTest extends AuthorizationMatrixContract {
  @Override
  protected ExampleUnderTest start(TimeSource time, ManagementLimits limits) {
    return SpringExamples.start(time, limits);
  }
}
