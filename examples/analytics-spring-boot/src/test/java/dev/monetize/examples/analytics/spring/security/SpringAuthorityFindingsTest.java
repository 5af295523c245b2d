package dev.monetize.examples.analytics.spring.security;

import dev.monetize.TimeSource;
import dev.monetize.examples.analytics.security.AuthorityFindingsContract;
import dev.monetize.examples.analytics.security.ExampleUnderTest;
import dev.monetize.management.ManagementLimits;

/** The authority findings, replayed on the Spring Boot example. */
class SpringAuthorityFindingsTest extends AuthorityFindingsContract {
  @Override
  protected ExampleUnderTest start(TimeSource time, ManagementLimits limits) {
    return SpringExamples.start(time, limits);
  }
}
