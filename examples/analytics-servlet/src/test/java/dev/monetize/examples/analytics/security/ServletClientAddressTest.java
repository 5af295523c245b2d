package dev.monetize.examples.analytics.security;

import dev.monetize.TimeSource;
import dev.monetize.audit.AuditSink;
import dev.monetize.examples.analytics.AnalyticsServer;
import dev.monetize.http.TrustedProxies;

/** Client addresses on the servlet example. */
class ServletClientAddressTest extends ClientAddressContract {
  @Override
  protected ExampleUnderTest start(TrustedProxies proxies, AuditSink audit) throws Exception {
    AnalyticsServer s = AnalyticsServer.builder().port(0).timeSource(TimeSource.system()).trustedProxies(proxies)
        .auditSink(audit).start();
    return new ExampleUnderTest("http://127.0.0.1:" + s.port(), s.demoKeys(), s.monetize(), s::close);
  }
}
