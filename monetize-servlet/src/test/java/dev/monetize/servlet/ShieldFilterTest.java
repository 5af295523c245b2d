package dev.monetize.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.Monetize;
import dev.monetize.audit.AuditSink;
import dev.monetize.http.Cidr;
import dev.monetize.http.TrustedProxies;
import dev.monetize.keys.IssuedKey;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import dev.monetize.shield.ShieldPolicy;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shield over real HTTP: the client address comes from a trusted proxy's {@code X-Forwarded-For}
 * and is denied or limited; the same header from an untrusted peer changes nothing.
 */
class ShieldFilterTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<Server> servers = new ArrayList<>();
  private final List<Monetize> engines = new ArrayList<>();

  private String start(TrustedProxies proxies, IssuedKey[] key) throws Exception {
    ShieldPolicy shield = ShieldPolicy.defaults().deny(Cidr.parse("203.0.113.0/24"))
        .unauthenticated(Rate.perSecond(1).withBurst(4));
    Catalog catalog = Catalog.builder()
        .plan(Plan.builder("basic").rate(Rate.perSecond(1000).withBurst(1000)).quota(Quota.daily(10_000)).build())
        .operation(Operation.builder("stats", "GET", "/stats").build()).shield(shield).build();
    Monetize monetize = Monetize.builder().catalog(catalog).trustedProxies(proxies).auditSink(AuditSink.inMemory())
        .publishDocs(true).build();
    engines.add(monetize);
    monetize.customers().save(Customer.of("acme", "basic"));
    key[0] = monetize.keys().issue("acme", Set.of("*"));
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    ServletContextHandler ctx = new ServletContextHandler();
    ctx.addFilter(new FilterHolder(new MonetizeFilter(monetize).operatorOnly("/metrics")), "/*",
        EnumSet.of(DispatcherType.REQUEST));
    ctx.addServlet(new ServletHolder(new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.getWriter().print("ok");
      }
    }), "/*");
    server.setHandler(ctx);
    server.start();
    servers.add(server);
    return "http://127.0.0.1:" + connector.getLocalPort();
  }

  @AfterEach
  void stop() throws Exception {
    for (Server s : servers) {
      s.stop();
    }
    engines.forEach(Monetize::close);
  }

  private HttpResponse<String> get(String base, String forwardedFor, String secret) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/stats")).header("X-Forwarded-For", forwardedFor);
    if (secret != null) {
      b.header("Authorization", "Bearer " + secret);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void behindATrustedProxyTheForwardedClientIsDeniedOrLimitedAndItsNeighboursAreNot() throws Exception {
    IssuedKey[] key = new IssuedKey[1];
    String base = start(TrustedProxies.parse("127.0.0.1/32"), key);
    HttpResponse<String> denied = get(base, "203.0.113.9", key[0].secret());
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(denied.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    assertThat(denied.body()).contains("\"code\":\"ip_denied\"").doesNotContain("203.0.113");
    assertThat(get(base, "198.51.100.1", key[0].secret()).statusCode()).isEqualTo(200);
    for (int i = 0; i < 5; i++) { // the budget of failures: each looked at, each 401
      assertThat(get(base, "198.51.100.50", "mk_live_" + "y".repeat(30)).statusCode()).isEqualTo(401);
    }
    HttpResponse<String> limited = get(base, "198.51.100.50", key[0].secret());
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.body()).contains("\"code\":\"ip_rate_limited\"");
    assertThat(limited.headers().firstValue("Retry-After")).contains("1");
    assertThat(get(base, "198.51.100.51", key[0].secret()).statusCode()).isEqualTo(200);
    // a client's own header line, and the line its proxy adds after it: the proxy's last word counts
    HttpResponse<String> twoLines = http.send(HttpRequest.newBuilder(URI.create(base + "/stats"))
        .header("X-Forwarded-For", "198.51.100.1").header("X-Forwarded-For", "203.0.113.9")
        .header("Authorization", "Bearer " + key[0].secret()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(twoLines.statusCode()).isEqualTo(403); // the client is 203.0.113.9, whatever its own line says
  }

  /** The pages published to anyone (OpenAPI, the API explorer) are behind the shield and a budget per address. */
  @Test
  void publishedPagesAreRefusedToADeniedNetworkAndChargedToTheAddress() throws Exception {
    IssuedKey[] key = new IssuedKey[1];
    String base = start(TrustedProxies.parse("127.0.0.1/32"), key);
    String asset = dev.monetize.docs.ApiExplorer.PATH + "/assets/"
        + java.util.regex.Pattern.compile("assets/([^\"]+\\.js)").matcher(page(base, "/docs", "198.51.100.1").body())
            .results().findFirst().orElseThrow().group(1);
    for (String path : new String[] {"/openapi.json", "/openapi.yaml", "/docs", asset}) {
      assertThat(page(base, path, "198.51.100.1").statusCode()).as(path).isEqualTo(200);
      HttpResponse<String> denied = page(base, path, "203.0.113.9");
      assertThat(denied.statusCode()).as(path).isEqualTo(403);
      assertThat(denied.body()).contains("\"code\":\"ip_denied\"");
    }
    HttpResponse<String> last = null;
    for (int i = 0; i < 200 && (last == null || last.statusCode() == 200); i++) {
      last = page(base, asset, "198.51.100.77");
    }
    assertThat(last.statusCode()).isEqualTo(429);
    assertThat(last.body()).contains("\"code\":\"rate_limited\"");
    assertThat(last.headers().firstValue("Retry-After")).isPresent();
    assertThat(page(base, asset, "198.51.100.78").statusCode()).isEqualTo(200); // its neighbour has its own budget
  }

  private HttpResponse<String> page(String base, String path, String forwardedFor) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("X-Forwarded-For", forwardedFor).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * An operator-only path answers as the management API does: the shield's refusal with its own
   * detail and {@code Retry-After}, a missing or bad credential with {@code WWW-Authenticate}.
   */
  @Test
  void anOperatorOnlyPathAnswersTheShieldsRefusalsWithTheirHeaders() throws Exception {
    IssuedKey[] key = new IssuedKey[1];
    String base = start(TrustedProxies.parse("127.0.0.1/32"), key);
    HttpResponse<String> denied = page(base, "/metrics", "203.0.113.9");
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(denied.body()).contains("\"code\":\"ip_denied\"").contains(
        dev.monetize.shield.internal.Shield.detail(dev.monetize.errors.ErrorCode.IP_DENIED));
    HttpResponse<String> none = page(base, "/metrics", "198.51.100.60");
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"monetize\"");
    assertThat(none.headers().firstValue("Cache-Control")).contains("no-store");
    assertThat(none.headers().firstValue("X-Request-Id")).isPresent();
    HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
        .header("X-Forwarded-For", "198.51.100.60").header("Authorization", "Bearer mk_live_" + "y".repeat(30))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(bad.statusCode()).isEqualTo(401);
    assertThat(bad.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"monetize\", error=\"invalid_token\"");
    HttpResponse<String> customer = get(base, "198.51.100.61", key[0].secret());
    assertThat(customer.statusCode()).isEqualTo(200);
    HttpResponse<String> notOperator = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
        .header("X-Forwarded-For", "198.51.100.61").header("Authorization", "Bearer " + key[0].secret()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(notOperator.statusCode()).isEqualTo(403);
    assertThat(notOperator.body()).contains("\"code\":\"scope_denied\"").contains("/metrics");
    for (int i = 0; i < 4; i++) { // the rest of the budget of failures (one spent above with the bad key, one without)
      page(base, "/metrics", "198.51.100.60");
    }
    HttpResponse<String> limited = page(base, "/metrics", "198.51.100.60");
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.body()).contains("\"code\":\"ip_rate_limited\"").contains("\"retry_after\":1");
    assertThat(limited.headers().firstValue("Retry-After")).contains("1");
  }

  /**
   * What the filter answers itself about a monetized route before admitting a request (a method it
   * does not offer, a trailing slash, a body declared too large, repeated headers, a broken escape)
   * is answered to a denied address with the shield's refusal: it learns nothing about the route
   * (OWASP API8). Its neighbour gets each answer as before.
   */
  @Test
  void aDeniedAddressGetsTheShieldsRefusalBeforeAnyAnswerAboutAMonetizedRoute() throws Exception {
    IssuedKey[] key = new IssuedKey[1];
    String base = start(TrustedProxies.parse("127.0.0.1/32"), key);
    int port = URI.create(base).getPort();
    String[][] requests = { // request line and headers, the answer the neighbour gets
        {"POST /stats HTTP/1.1\r\nContent-Length: 0", "405"},
        {"GET /stats/ HTTP/1.1", "404"},
        {"GET /stats HTTP/1.1\r\nContent-Length: 99999999", "413"},
        {"GET /stats HTTP/1.1\r\nApi-Version: 2024-01\r\nApi-Version: 2025-01", "400"},
        {"GET /stats HTTP/1.1\r\nX-API-Key: a\r\nX-API-Key: b", "400"},
        {"GET /stats?a=%zz HTTP/1.1", "400"},
        {"GET /metrics HTTP/1.1\r\nX-API-Key: a\r\nX-API-Key: b", "400"}, // an operator-only path
        {"GET /monetize/usage HTTP/1.1\r\nX-API-Key: a\r\nX-API-Key: b", "400"}}; // the management API
    for (String[] r : requests) {
      assertThat(raw(port, r[0], "198.51.100.1")).as(r[0]).startsWith("HTTP/1.1 " + r[1]);
      String denied = raw(port, r[0], "203.0.113.9");
      assertThat(denied).as(r[0]).startsWith("HTTP/1.1 403").contains("\"code\":\"ip_denied\"")
          .doesNotContainIgnoringCase("Allow:");
    }
    // the application's other paths are its own: the unmatched route is answered as before
    assertThat(raw(port, "GET /elsewhere HTTP/1.1", "203.0.113.9")).startsWith("HTTP/1.1 404");
  }

  /** One request over a socket (the client sets no header of its own), the answer's status line, headers and body. */
  private static String raw(int port, String requestLineAndHeaders, String forwardedFor) throws IOException {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write((requestLineAndHeaders + "\r\nHost: 127.0.0.1\r\nX-Forwarded-For: " + forwardedFor
          + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void fromAnUntrustedPeerTheHeaderIsIgnoredAndTheLoopbackPeerIsNeverLimited() throws Exception {
    IssuedKey[] key = new IssuedKey[1];
    String base = start(TrustedProxies.none(), key);
    assertThat(get(base, "203.0.113.9", key[0].secret()).statusCode()).isEqualTo(200); // a spoofed header: the peer counts
    for (int i = 0; i < 10; i++) {
      assertThat(get(base, "198.51.100.50", "mk_live_" + "y".repeat(30)).statusCode()).isEqualTo(401);
    }
    assertThat(get(base, "198.51.100.50", key[0].secret()).statusCode()).isEqualTo(200);
  }
}
