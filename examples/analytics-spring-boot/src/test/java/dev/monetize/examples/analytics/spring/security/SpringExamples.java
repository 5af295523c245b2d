package dev.monetize.examples.analytics.spring.security;

import dev.monetize.TimeSource;
import dev.monetize.examples.analytics.security.ExampleUnderTest;
import dev.monetize.examples.analytics.spring.AnalyticsSpringServer;
import dev.monetize.http.TrustedProxies;
import dev.monetize.management.ManagementLimits;

/** Starts the Spring Boot example for the security suites. */
final class SpringExamples {
  private SpringExamples() {}

  static ExampleUnderTest start(TimeSource time, ManagementLimits limits) {
    AnalyticsSpringServer s = AnalyticsSpringServer.builder().port(0).timeSource(time).managementLimits(limits)
        .trustedProxies(TrustedProxies.none()).start();
    return new ExampleUnderTest("http://127.0.0.1:" + s.port(), s.demoKeys(), s.monetize(), s::close);
  }
}
