package dev.monetize.examples.analytics.spring.security;

import dev.monetize.audit.AuditSink;
import dev.monetize.examples.analytics.security.ClientAddressContract;
import dev.monetize.examples.analytics.security.ExampleUnderTest;
import dev.monetize.examples.analytics.spring.AnalyticsSpringServer;
import dev.monetize.http.TrustedProxies;

/** Client addresses on the Spring Boot example (Tomcat's peer address, the trusted proxies' headers). */
class SpringClientAddressTest extends ClientAddressContract {
  @Override
  protected ExampleUnderTest start(TrustedProxies proxies, AuditSink audit) {
    AnalyticsSpringServer s = AnalyticsSpringServer.builder().port(0).trustedProxies(proxies).auditSink(audit).start();
    return new ExampleUnderTest("http://127.0.0.1:" + s.port(), s.demoKeys(), s.monetize(), s::close);
  }
}
