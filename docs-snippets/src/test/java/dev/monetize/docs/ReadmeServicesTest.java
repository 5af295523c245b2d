package dev.monetize.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.Monetize;
import dev.monetize.jaxrs.MonetizeJaxrs;
import dev.monetize.jaxrs.PeerAddress;
import dev.monetize.metering.UsageSink;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The README's "use it in your service" snippets, run: each serves a monetized call over real HTTP
 * and refuses one without a key (the Spring Boot one is the starter's tested application). They read
 * {@code plans.yaml} from the working directory, this module's.
 */
class ReadmeServicesTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private Server server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.stop();
    }
  }

  private String start(ServletContextHandler context) throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    server.setHandler(context);
    server.start();
    return "http://127.0.0.1:" + connector.getLocalPort();
  }

  private HttpResponse<String> get(String url, String keyOrNull) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    if (keyOrNull != null) {
      b.header("Authorization", "Bearer " + keyOrNull);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theServletSnippetMonetizesAServlet() throws Exception {
    AtomicReference<Monetize> engine = new AtomicReference<>();
    ServletContextHandler context = new ServletContextHandler();
    context.addServletContainerInitializer((classes, servletContext) ->
        engine.set(ServletQuickstart.setUp(servletContext, UsageSink.inMemory())));
    context.addServlet(new ServletHolder(new HttpServlet() {
      private static final long serialVersionUID = 1L;

      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.getWriter().write(ServletQuickstart.tenantOf(req));
      }
    }), "/v1/report");
    String base = start(context);
    String key = engine.get().keys().issue("acme", Set.of("stats:read")).secret();

    HttpResponse<String> paid = get(base + "/v1/report", key);

    assertThat(paid.statusCode()).isEqualTo(200);
    assertThat(paid.body()).isEqualTo("acme");
    assertThat(paid.headers().firstValue("RateLimit")).isPresent();
    assertThat(get(base + "/v1/report", null).statusCode()).isEqualTo(401);
  }

  @Test
  @SuppressWarnings("auxiliaryclass") // the README's snippet keeps resource and set-up in one file
  void theJaxrsSnippetMonetizesAnnotatedResources() throws Exception {
    ResourceConfig application = JaxrsQuickstart.application();
    Monetize monetize = (Monetize) application.getProperty(MonetizeJaxrs.ENGINE_PROPERTY);
    ServletContextHandler context = new ServletContextHandler();
    context.addFilter(new FilterHolder(PeerAddress.servletFilter()), "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new ServletContainer(application)), "/*");
    String base = start(context);
    monetize.customers().save(dev.monetize.plans.Customer.of("acme", "pro"));
    String key = monetize.keys().issue("acme", Set.of("stats:read")).secret();

    HttpResponse<String> paid = get(base + "/v1/stats/summary", key);

    assertThat(paid.statusCode()).isEqualTo(200);
    assertThat(paid.body()).isEqualTo("{\"customer\":\"acme\"}");
    assertThat(get(base + "/v1/stats/summary", null).statusCode()).isEqualTo(401);
    assertThat(get(base + "/v1/stats/export", key).statusCode()).isEqualTo(403); // a scope the key lacks
  }
}
