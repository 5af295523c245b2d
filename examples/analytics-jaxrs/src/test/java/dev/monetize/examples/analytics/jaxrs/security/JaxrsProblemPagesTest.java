package dev.monetize.examples.analytics.jaxrs.security;

import dev.monetize.TimeSource;
import dev.monetize.examples.analytics.security.ExampleUnderTest;
import dev.monetize.examples.analytics.security.ProblemPagesContract;
import dev.monetize.management.ManagementLimits;

/** Jetty's own refusals as problem JSON on the JAX-RS example. */
class JaxrsProblemPagesTest extends ProblemPagesContract {
  @Override
  protected ExampleUnderTest start(TimeSource time, ManagementLimits limits) {
    return JaxrsExamples.start(time, limits, dev.monetize.http.TrustedProxies.none());
  }
}
