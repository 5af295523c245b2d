package dev.monetize.examples.analytics.security;

import dev.monetize.TimeSource;
import dev.monetize.management.ManagementLimits;

/** The authority findings, replayed on the servlet example. */
class ServletAuthorityFindingsTest extends AuthorityFindingsContract {
  @Override
  protected ExampleUnderTest start(TimeSource time, ManagementLimits limits) throws Exception {
    return ServletExamples.start(time, limits);
  }
}
