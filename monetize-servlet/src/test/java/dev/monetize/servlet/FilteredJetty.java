package dev.monetize.servlet;

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
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** An embedded Jetty on a free loopback port with a filter in front of some servlets, for tests. */
final class FilteredJetty implements AutoCloseable {
  private final Server server;
  private final String base;
  private final HttpClient http = HttpClient.newHttpClient();

  private FilteredJetty(Server server, String base) {
    this.server = server;
    this.base = base;
  }

  /** Starts Jetty with {@code filter} on every path and the servlets at their paths. */
  static FilteredJetty start(MonetizeFilter filter, Map<String, HttpServlet> servlets) throws Exception {
    return start(filter, servlets, "/*");
  }

  /** Starts Jetty with {@code filter} on every path and the servlets (as held, with their settings) at their paths. */
  static FilteredJetty startHolders(MonetizeFilter filter, Map<String, ServletHolder> holders) throws Exception {
    return startHolders(filter, holders, "/*");
  }

  /** Starts Jetty with {@code filter} mapped to {@code patterns} only and the servlets at their paths. */
  static FilteredJetty start(MonetizeFilter filter, Map<String, HttpServlet> servlets, String... patterns)
      throws Exception {
    Map<String, ServletHolder> holders = new java.util.LinkedHashMap<>();
    servlets.forEach((path, servlet) -> holders.put(path, new ServletHolder(servlet)));
    return startHolders(filter, holders, patterns);
  }

  private static FilteredJetty startHolders(MonetizeFilter filter, Map<String, ServletHolder> holders,
      String... patterns) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    ServletContextHandler ctx = new ServletContextHandler();
    FilterHolder holder = new FilterHolder(filter);
    for (String pattern : patterns) {
      ctx.addFilter(holder, pattern, EnumSet.of(DispatcherType.REQUEST));
    }
    holders.forEach((path, servlet) -> ctx.addServlet(servlet, path));
    server.setHandler(ctx);
    server.start();
    return new FilteredJetty(server, "http://127.0.0.1:" + connector.getLocalPort());
  }

  /** A servlet that answers GET with {@code body}. */
  static HttpServlet text(String body) {
    return new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.getWriter().print(body);
      }
    };
  }

  /** {@code http://127.0.0.1:<port>}. */
  String base() {
    return base;
  }

  /** Sends a request with an optional bearer credential and body. */
  HttpResponse<String> call(String method, String path, String bearer, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() throws IOException {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IOException("stopping Jetty failed", e);
    }
  }
}
