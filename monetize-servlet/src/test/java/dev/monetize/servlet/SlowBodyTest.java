package dev.monetize.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.Monetize;
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
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/**
 * A body sent slower than the container waits for (Jetty's minimum request data rate: a customer
 * within its rate holding server threads with bodies it never finishes) fails the endpoint's read:
 * the caller's doing, answered {@code 408 request_timeout}, never the endpoint's {@code 500}.
 */
class SlowBodyTest {
  @Test
  void aBodyTrickledInIsTheCallersBadRequestNotTheEndpointsFailure() throws Exception {
    Catalog catalog = Catalog.builder()
        .plan(Plan.builder("basic").rate(Rate.perSecond(100)).quota(Quota.daily(1_000)).build())
        .operation(Operation.builder("ingest", "POST", "/ingest").build()).build();
    Server server = new Server();
    HttpConfiguration http = new HttpConfiguration();
    http.setMinRequestDataRate(256);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    try (Monetize monetize = Monetize.builder().catalog(catalog).build()) {
      monetize.customers().save(Customer.of("acme", "basic"));
      IssuedKey key = monetize.keys().issue("acme", Set.of("*"));
      ServletContextHandler ctx = new ServletContextHandler();
      ctx.addFilter(new FilterHolder(new MonetizeFilter(monetize)), "/*", EnumSet.of(DispatcherType.REQUEST));
      ctx.addServlet(new ServletHolder(new HttpServlet() {
        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
          resp.getWriter().print(req.getInputStream().readAllBytes().length); // an endpoint that lets a failed read go
        }
      }), "/*");
      server.setHandler(ctx);
      server.start();
      try (Socket s = new Socket("127.0.0.1", connector.getLocalPort())) {
        s.setSoTimeout(30_000);
        OutputStream out = s.getOutputStream();
        out.write(("POST /ingest HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key.secret()
            + "\r\nContent-Length: 100000\r\n\r\n[").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        String answer = "";
        for (int i = 0; i < 20 && answer.isEmpty(); i++) {
          Thread.sleep(1_000);
          if (in.available() > 0) {
            answer = new String(in.readNBytes(in.available()), StandardCharsets.UTF_8);
          } else {
            try {
              out.write(' '); // a byte now and then: each keeps the connection from idling out
              out.flush();
            } catch (IOException closed) {
              answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
          }
        }
        assertThat(answer).startsWith("HTTP/1.1 408").contains("\"code\":\"request_timeout\"")
            .contains("did not arrive in time");
      }
    } finally {
      server.stop();
    }
  }
}
