package dev.monetize.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.Monetize;
import dev.monetize.http.Cidr;
import dev.monetize.http.TrustedProxies;
import dev.monetize.keys.KeyEnvironment;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import dev.monetize.shield.ShieldPolicy;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the adapter's filters answer themselves about a monetized route before admitting a request
 * (a method it does not offer, a trailing slash, {@code OPTIONS}, a body declared too large,
 * repeated headers) is answered to a denied address with the shield's refusal, on Jersey behind a
 * trusted proxy: it learns nothing about the route (OWASP API8). Its neighbour gets each answer as
 * before.
 */
class JerseyShieldTest {
  /** An endpoint of the application's own that only the operator reads. */
  @jakarta.ws.rs.Path("/ops")
  public static class Ops {
    @jakarta.ws.rs.GET
    @OperatorOnly
    public String read() {
      return "ops";
    }
  }

  private Monetize monetize;
  private Server server;
  private int port;
  private String key;

  @BeforeEach
  void deploy() throws Exception {
    Catalog plans = Catalog.builder()
        .plan(Plan.builder("free").rank(0).rate(Rate.perSecond(1000).withBurst(1000)).quota(Quota.daily(1000)).build())
        .plan(Plan.builder("pro").rank(10).rate(Rate.perSecond(1000).withBurst(1000)).quota(Quota.daily(1000)).build())
        .shield(ShieldPolicy.defaults().deny(Cidr.parse("203.0.113.0/24"))).build();
    monetize = Monetize.builder().catalog(MonetizeJaxrs.catalog(plans, Resources.Stats.class))
        .environment(KeyEnvironment.TEST).trustedProxies(TrustedProxies.parse("127.0.0.1/32")).auditSink(batch -> { })
        .build();
    monetize.customers().save(Customer.of("acme", "free"));
    key = monetize.keys().issue("acme", Set.of("*")).secret();
    ResourceConfig config = new ResourceConfig(Resources.Stats.class, Ops.class, ManagementResource.class)
        .property(MonetizeJaxrs.ENGINE_PROPERTY, monetize).register(new MonetizeFeature(monetize))
        .register(new MonetizeExceptionMapper(monetize))
        .property(org.glassfish.jersey.server.ServerProperties.WADL_FEATURE_DISABLE, true);
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.addFilter(new FilterHolder(PeerAddress.servletFilter()), "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new ServletContainer(config)), "/*");
    server.setHandler(context);
    server.start();
    port = connector.getLocalPort();
  }

  @AfterEach
  void undeploy() throws Exception {
    if (server != null) {
      server.stop();
    }
    monetize.close();
  }

  @Test
  void aDeniedAddressGetsTheShieldsRefusalBeforeAnyAnswerAboutAMonetizedRoute() throws Exception {
    String[][] requests = { // request line and headers, the answer the neighbour gets
        {"DELETE /v1/summary HTTP/1.1", "405"},
        {"GET /v1/summary/ HTTP/1.1", "404"},
        {"OPTIONS /v1/summary HTTP/1.1", "404"},
        {"GET /v1/summary HTTP/1.1\r\nContent-Length: 99999999", "413"},
        {"GET /v1/summary HTTP/1.1\r\nApi-Version: 2024-01\r\nApi-Version: 2025-01", "400"},
        {"GET /v1/summary HTTP/1.1\r\nX-API-Key: " + "a\r\nX-API-Key: b", "400"},
        {"GET /ops HTTP/1.1\r\nX-API-Key: a\r\nX-API-Key: b", "400"},
        {"GET /monetize/usage HTTP/1.1\r\nX-API-Key: a\r\nX-API-Key: b", "400"}};
    for (String[] r : requests) {
      assertThat(raw(r[0], "198.51.100.1")).as(r[0]).startsWith("HTTP/1.1 " + r[1]);
      String denied = raw(r[0], "203.0.113.9");
      assertThat(denied).as(r[0]).startsWith("HTTP/1.1 403").contains("\"code\":\"ip_denied\"")
          .doesNotContainIgnoringCase("Allow:");
    }
    assertThat(raw("GET /v1/summary HTTP/1.1\r\nX-API-Key: " + key, "198.51.100.1")).startsWith("HTTP/1.1 200");
    assertThat(raw("GET /v1/summary HTTP/1.1\r\nX-API-Key: " + key, "203.0.113.9")).startsWith("HTTP/1.1 403")
        .contains("\"code\":\"ip_denied\"");
  }

  /** One request over a socket (the client sets no header of its own): the answer's status line, headers and body. */
  private String raw(String requestLineAndHeaders, String forwardedFor) throws IOException {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write((requestLineAndHeaders + "\r\nHost: 127.0.0.1\r\nX-Forwarded-For: " + forwardedFor
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
