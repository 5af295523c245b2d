package dev.monetize.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.Monetize;
import dev.monetize.audit.AuditSink;
import dev.monetize.keys.IssuedKey;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Request bodies over HTTP: the operation's limit, declared or chunked, and bodies the container cannot parse. */
class BodyLimitFilterTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicInteger runs = new AtomicInteger();
  private Server server;
  private Monetize monetize;
  private String base;
  private IssuedKey key;

  @BeforeEach
  void start() throws Exception {
    Catalog catalog = Catalog.builder()
        .plan(Plan.builder("basic").rate(Rate.perSecond(1000).withBurst(1000)).quota(Quota.daily(10_000)).build())
        .operation(Operation.builder("upload", "POST", "/upload").maxBodyBytes(100).build())
        .operation(Operation.builder("form", "POST", "/form").build())
        .operation(Operation.builder("tenant", "POST", "/tenant").build())
        .build();
    monetize = Monetize.builder().catalog(catalog).auditSink(AuditSink.inMemory()).build();
    monetize.customers().save(Customer.of("acme", "basic"));
    key = monetize.keys().issue("acme", Set.of("*"));
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    ServletContextHandler ctx = new ServletContextHandler();
    ctx.addFilter(new FilterHolder(new MonetizeFilter(monetize)), "/*", EnumSet.of(DispatcherType.REQUEST));
    ctx.addServlet(new ServletHolder(new HttpServlet() {
      @Override
      protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        runs.incrementAndGet();

        if (req.getPathInfo().equals("/tenant")) {
          resp.getWriter().print(dev.monetize.TenantContext.require());
          return;
        }
        if (req.getPathInfo().equals("/form")) {
          resp.getWriter().print("a=" + req.getParameter("a"));
          return;
        }
        byte[] body = req.getInputStream().readAllBytes(); // past the limit this throws
        resp.getWriter().print("read " + body.length);
      }
    }), "/*");
    server.setHandler(ctx);
    server.start();
    base = "http://127.0.0.1:" + connector.getLocalPort();
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
    monetize.close();
  }

  private HttpResponse<String> post(String path, HttpRequest.BodyPublisher body, String contentType) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + key.secret())
        .header("Content-Type", contentType).POST(body).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aBodyWithinTheLimitIsReadAndOneOverItIs413DeclaredOrChunked() throws Exception {
    assertThat(post("/upload", HttpRequest.BodyPublishers.ofByteArray(new byte[100]), "application/octet-stream").body())
        .isEqualTo("read 100");
    HttpResponse<String> declared = post("/upload", HttpRequest.BodyPublishers.ofByteArray(new byte[101]),
        "application/octet-stream");
    assertThat(declared.statusCode()).isEqualTo(413);
    assertThat(declared.body()).contains("\"code\":\"payload_too_large\"").contains("100 bytes");
    assertThat(runs.get()).isEqualTo(1); // declared too large: the endpoint never ran
    HttpResponse<String> chunked = post("/upload", HttpRequest.BodyPublishers.ofInputStream(
        () -> new ByteArrayInputStream(new byte[5000])), "application/octet-stream"); // no length: chunked
    assertThat(chunked.statusCode()).isEqualTo(413);
    assertThat(chunked.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    assertThat(chunked.body()).contains("\"code\":\"payload_too_large\"");
  }

  @Test
  void theEndpointKnowsItsTenant() throws Exception {
    assertThat(post("/tenant", HttpRequest.BodyPublishers.noBody(), "text/plain").body()).isEqualTo("acme");
  }

  @Test
  void aBodyTheContainerCannotParseIs400NeverA500() throws Exception {
    assertThat(post("/form", HttpRequest.BodyPublishers.ofString("a=1"), "application/x-www-form-urlencoded").body())
        .isEqualTo("a=1");
    HttpResponse<String> broken = post("/form", HttpRequest.BodyPublishers.ofString("a=%zz"),
        "application/x-www-form-urlencoded");
    assertThat(broken.statusCode()).as(broken.body()).isEqualTo(400);
    assertThat(broken.body()).contains("\"code\":\"bad_request\"");
    HttpResponse<String> charset = post("/form", HttpRequest.BodyPublishers.ofString("a=1"),
        "application/x-www-form-urlencoded; charset=no-such-charset");
    assertThat(charset.statusCode()).as(charset.body()).isIn(200, 400); // parsed leniently, or refused: never 500
    HttpResponse<String> chunkedForm = post("/form", HttpRequest.BodyPublishers.ofInputStream(
        () -> new ByteArrayInputStream(("a=" + "x".repeat(5000)).getBytes())), "application/x-www-form-urlencoded");
    assertThat(chunkedForm.statusCode()).isEqualTo(411); // the container would read it past our count
    assertThat(chunkedForm.body()).contains("\"code\":\"length_required\"");
  }
}
