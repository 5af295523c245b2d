// tag::service[]
package com.example;

import dev.monetize.Monetize;
import dev.monetize.Principal;
import dev.monetize.config.CatalogLoader;
import dev.monetize.keys.KeyEnvironment;
import dev.monetize.servlet.MonetizeFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;

public final class ReportService {
  /** Your endpoint, unchanged but for one line: whose data to read. */
  static final class ReportServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
      Principal caller = MonetizeFilter.principal(request).orElseThrow(); // dev.monetize.Principal
      response.setContentType("application/json");
      response.getWriter().print("{\"customer\":\"" + caller.customerId() + "\",\"rows\":42}");
    }
  }

  public static Server start(Path plans, int port, String operatorKey) throws Exception {
    Monetize monetize = Monetize.builder()
        .catalog(CatalogLoader.load(plans))
        .environment(KeyEnvironment.TEST)  // mk_test_ keys while you try it; LIVE (the default) in production
        .operatorKey(operatorKey)          // from your secret store; made once with `monetize operator-key`
        .build();
    ServletContextHandler context = new ServletContextHandler();
    FilterHolder filter = new FilterHolder(new MonetizeFilter(monetize));
    for (String monetized : new String[] {"/api/*", "/monetize/*"}) { // your API and the management API
      context.addFilter(filter, monetized, EnumSet.of(DispatcherType.REQUEST));
    }
    context.addServlet(new ServletHolder(new ReportServlet()), "/api/report");
    context.addServlet(new ServletHolder(new HttpServlet() {  // yours, outside the filter's mapping
      @Override
      protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.getWriter().print("ok");
      }
    }), "/internal/health");
    Server server = new Server(port);
    server.setHandler(context);
    server.setStopAtShutdown(true); // Ctrl-C or SIGTERM stops Jetty, and with it the engine
    server.addEventListener(new org.eclipse.jetty.util.component.LifeCycle.Listener() {
      @Override
      public void lifeCycleStopped(org.eclipse.jetty.util.component.LifeCycle event) {
        monetize.close(); // flushes usage and audit
      }
    });
    server.start();
    return server;
  }

  public static void main(String[] args) throws Exception {
    String operatorKey = System.getenv("MONETIZE_OPERATOR_KEY");
    if (operatorKey == null) {
      System.err.println("Set MONETIZE_OPERATOR_KEY to the operator's credential (make one: monetize operator-key)");
      System.exit(2);
    }
    int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
    Server server = start(Path.of("plans.yaml"), port, operatorKey); // plans.yaml in the working directory
    System.out.println("listening on " + port);
    server.join();
  }
}
// end::service[]
