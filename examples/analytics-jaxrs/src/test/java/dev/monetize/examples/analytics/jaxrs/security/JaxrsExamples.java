package dev.monetize.examples.analytics.jaxrs.security;

import dev.monetize.TimeSource;
import dev.monetize.examples.analytics.jaxrs.AnalyticsJaxrsServer;
import dev.monetize.examples.analytics.security.ExampleUnderTest;
import dev.monetize.http.TrustedProxies;
import dev.monetize.management.ManagementLimits;

/** Starts the JAX-RS example (Jersey as a servlet on Jetty) for the security suites. */
final class JaxrsExamples {
  private JaxrsExamples() {}

  static ExampleUnderTest start(TimeSource time, ManagementLimits limits, TrustedProxies proxies) {
    AnalyticsJaxrsServer s = AnalyticsJaxrsServer.builder().port(0).timeSource(time).managementLimits(limits)
        .trustedProxies(proxies).start();
    return new ExampleUnderTest("http://127.0.0.1:" + s.port(), s.demoKeys(), s.monetize(), s::close);
  }
}
