package dev.monetize.examples.analytics.jaxrs.security;

import dev.monetize.TimeSource;
import dev.monetize.examples.analytics.security.AuthorizationMatrixContract;
import dev.monetize.examples.analytics.security.ExampleUnderTest;
import dev.monetize.management.ManagementLimits;

/** The authorization matrix on the JAX-RS example. */
class JaxrsAuthorizationMatrixTest extends AuthorizationMatrixContract {
  @Override
  protected ExampleUnderTest start(TimeSource time, ManagementLimits limits) {
    return JaxrsExamples.start(time, limits, dev.monetize.http.TrustedProxies.none());
  }
}
