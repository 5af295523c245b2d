package dev.monetize.examples.analytics.jaxrs.security;

import dev.monetize.TimeSource;
import dev.monetize.examples.analytics.security.AuthorityFindingsContract;
import dev.monetize.examples.analytics.security.ExampleUnderTest;
import dev.monetize.management.ManagementLimits;

/** The authority findings, replayed on the JAX-RS example. */
class JaxrsAuthorityFindingsTest extends AuthorityFindingsContract {
  @Override
  protected ExampleUnderTest start(TimeSource time, ManagementLimits limits) {
    return JaxrsExamples.start(time, limits, dev.monetize.http.TrustedProxies.none());
  }
}
