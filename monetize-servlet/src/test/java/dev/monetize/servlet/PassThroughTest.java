package dev.monetize.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.monetize.Monetize;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Rate;
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
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Paths left to the application never include what Monetize must answer. */
class PassThroughTest {
  private final Monetize monetize = Monetize.builder().catalog(Catalog.builder()
      .plan(Plan.builder("basic").rate(Rate.perSecond(100)).quota(dev.monetize.plans.Quota.daily(1000)).build())
      .operation(Operation.builder("reports", "GET", "/{org}/reports").build())
      .operation(Operation.builder("export", "GET", "/v1/export").build())
      .build()).build();
  private Server server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.stop();
    }
    monetize.close();
  }

  @Test
  void aPrefixThatCoversTheApiIsRefused() {
    MonetizeFilter filter = new MonetizeFilter(monetize);
    assertThatThrownBy(() -> filter.passThrough("/v1")).hasMessageContaining("covers /v1/export");
    assertThatThrownBy(() -> filter.passThrough("/monetize")).hasMessageContaining("covers /monetize");
    assertThatThrownBy(() -> filter.passThrough("admin/")).hasMessageContaining("starts with '/'");
  }

  @Test
  void aPathUnderThePrefixThatARouteAnswersIsStillMonetized() throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    ServletContextHandler ctx = new ServletContextHandler();
    ctx.addFilter(new FilterHolder(new MonetizeFilter(monetize).passThrough("/admin")), "/*",
        EnumSet.of(DispatcherType.REQUEST));
    ctx.addServlet(new ServletHolder(new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.getWriter().write("open");
      }
    }), "/*");
    server.setHandler(ctx);
    server.start();
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + connector.getLocalPort();

    HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/ping")).build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> route = http.send(HttpRequest.newBuilder(URI.create(base + "/admin/reports")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).isEqualTo("open");
    assertThat(route.statusCode()).isEqualTo(401); // /{org}/reports with org=admin: a key is needed
    assertThat(route.body()).doesNotContain("open");
  }
}
