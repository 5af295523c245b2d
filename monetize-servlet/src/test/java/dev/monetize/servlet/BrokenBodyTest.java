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
 * A body the container fails to read is the caller's doing, never the endpoint's {@code 500}, to the
 * caller and in the usage and audit records (which an SLA report reads). A body sent slower than the
 * container waits for (Jetty's minimum request data rate: a customer
 * within its rate holding server threads with bodies it never finishes) fails the endpoint's read:
 * the caller's doing, answered {@code 408 request_timeout}, never the endpoint's {@code 500}.
 */
class BrokenBodyTest {
  private Server server;
  private Monetize monetize;
  private final dev.monetize.metering.InMemoryUsageSink usage = dev.monetize.metering.UsageSink.inMemory();
  private IssuedKey key;

  private int start() throws Exception {
    Catalog catalog = Catalog.builder()
        .plan(Plan.builder("basic").rate(Rate.perSecond(100)).quota(Quota.daily(1_000)).build())
        .operation(Operation.builder("ingest", "POST", "/ingest").build()).build();
    server = new Server();
    HttpConfiguration http = new HttpConfiguration();
    http.setMinRequestDataRate(256);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    monetize = Monetize.builder().catalog(catalog).usageSink(usage).build();
    monetize.customers().save(Customer.of("acme", "basic"));
    key = monetize.keys().issue("acme", Set.of("*"));
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
    return connector.getLocalPort();
  }

  @org.junit.jupiter.api.AfterEach
  void stop() throws Exception {
    server.stop();
    monetize.close();
  }

  /**
   * The status the call was metered with, once it completed (the container may close the connection
   * first, and the call's slot is freed before its usage is recorded: the record is waited for).
   */
  private int meteredStatus() {
    for (int i = 0; i < 2_000; i++) {
      monetize.flushUsage();
      java.util.Optional<dev.monetize.metering.UsageRecord> r = usage.records().stream()
          .filter(x -> x.operationId().equals("ingest")).findFirst();
      if (r.isPresent()) {
        return r.get().status();
      }
      java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
    }
    throw new AssertionError("the call was never metered");
  }

  @Test
  void aMalformedChunkIsTheCallersBadRequestNotTheEndpointsFailure() throws Exception {
    int port = start();
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(("POST /ingest HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer "
          + key.secret() + "\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // once the call is admitted and its endpoint reads, the chunk: the container fails that read
      for (int i = 0; i < 1_000 && monetize.metrics().inFlight() == 0; i++) {
        java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
      }
      assertThat(monetize.metrics().inFlight()).isEqualTo(1);
      out.write("zz\r\n[]\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 400").contains("\"code\":\"bad_request\"");
    }
    assertThat(meteredStatus()).isEqualTo(400);
  }

  @Test
  void aBodyTrickledInIsTheCallersRequestTimeoutNotTheEndpointsFailure() throws Exception {
    int port = start();
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(("POST /ingest HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key.secret()
          + "\r\nContent-Length: 100000\r\n\r\n[").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String answer = "";
      for (int i = 0; i < 20 && answer.isEmpty(); i++) {
        Thread.sleep(1_000); // the container's data rate is read on its own clock: a byte a second is too slow
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
    assertThat(meteredStatus()).isEqualTo(408);
  }
}
