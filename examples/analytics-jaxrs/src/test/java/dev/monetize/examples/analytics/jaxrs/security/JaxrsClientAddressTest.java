package dev.monetize.examples.analytics.jaxrs.security;

import dev.monetize.audit.AuditSink;
import dev.monetize.examples.analytics.jaxrs.AnalyticsJaxrsServer;
import dev.monetize.examples.analytics.security.ClientAddressContract;
import dev.monetize.examples.analytics.security.ExampleUnderTest;
import dev.monetize.http.TrustedProxies;

/** Client addresses on the JAX-RS example (Jersey as a servlet on Jetty, with {@code PeerAddress.servletFilter()}). */
class JaxrsClientAddressTest extends ClientAddressContract {
  @Override
  protected ExampleUnderTest start(TrustedProxies proxies, AuditSink audit) {
    AnalyticsJaxrsServer s = AnalyticsJaxrsServer.builder().port(0).trustedProxies(proxies).auditSink(audit).start();
    return new ExampleUnderTest("http://127.0.0.1:" + s.port(), s.demoKeys(), s.monetize(), s::close);
  }
}
