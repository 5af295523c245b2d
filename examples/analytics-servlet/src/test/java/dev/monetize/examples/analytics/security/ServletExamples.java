package dev.monetize.examples.analytics.security;

import dev.monetize.TimeSource;
import dev.monetize.examples.analytics.AnalyticsServer;
import dev.monetize.http.TrustedProxies;
import dev.monetize.management.ManagementLimits;

/** Starts the servlet example (Jetty) for the security suites. */
final class ServletExamples {
  private ServletExamples() {}

  static ExampleUnderTest start(TimeSource time, ManagementLimits limits, TrustedProxies proxies) throws Exception {
    AnalyticsServer s = AnalyticsServer.builder().port(0).timeSource(time).managementLimits(limits)
        .trustedProxies(proxies).start();
    return new ExampleUnderTest("http://127.0.0.1:" + s.port(), s.demoKeys(), s.monetize(), s::close);
  }

  static ExampleUnderTest start(TimeSource time, ManagementLimits limits) throws Exception {
    return start(time, limits, TrustedProxies.none());
  }

  static ExampleUnderTest start() throws Exception {
    return start(TimeSource.system(), ManagementLimits.defaults());
  }
}
