package dev.monetize.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.Monetize;
import dev.monetize.Principal;
import dev.monetize.audit.AuditSink;
import dev.monetize.audit.InMemoryAuditSink;
import dev.monetize.keys.IssuedKey;
import dev.monetize.metering.InMemoryUsageSink;
import dev.monetize.metering.UsageRecord;
import dev.monetize.metering.UsageSink;
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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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

/** The filter on a real Jetty over real HTTP, with a tiny application behind it. */
class MonetizeFilterTest {
  private final InMemoryUsageSink usage = UsageSink.inMemory();
  private final InMemoryAuditSink audit = AuditSink.inMemory();
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private Server server;
  /** What the {@code held} endpoint saw after its last write: calls metered, requests in flight. */
  private final java.util.concurrent.BlockingQueue<long[]> seenAfterLastWrite =
      new java.util.concurrent.LinkedBlockingQueue<>();
  private Monetize monetize;
  private String base;

  /** Counted down when a request to /async/* has left every filter. */
  private final java.util.concurrent.CountDownLatch dispatchReturned = new java.util.concurrent.CountDownLatch(1);

  private void start(UnmatchedRoutes unmatched) throws Exception {
    Catalog catalog = Catalog.builder()
        .plan(Plan.builder("basic").rate(Rate.perSecond(1000).withBurst(1000)).quota(Quota.daily(1000))
            .concurrency(dev.monetize.plans.Concurrency.of(1)).build())
        .operation(Operation.builder("hello", "GET", "/hello/{name}").build())
        .operation(Operation.builder("writer", "GET", "/writer").build())
        .operation(Operation.builder("big", "GET", "/big").build())
        .operation(Operation.builder("again", "GET", "/again").build())
        .operation(Operation.builder("sized", "GET", "/sized").build())
        .operation(Operation.builder("boom", "GET", "/boom").build())
        .operation(Operation.builder("held", "GET", "/held/{how}").build())
        .operation(Operation.builder("upload", "POST", "/upload/{how}").build())
        .operation(Operation.builder("async", "GET", "/async/{how}").build())
        .operation(Operation.builder("refuses", "GET", "/refuses/{status}").build())
        .build();
    monetize = Monetize.builder().catalog(catalog).usageSink(usage).auditSink(audit).measureCpuTime(true).build();
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    ServletContextHandler ctx = new ServletContextHandler();
    FilterHolder filter = new FilterHolder(new MonetizeFilter(monetize, unmatched));
    filter.setAsyncSupported(true);
    // outside the engine's filter: its dispatch, the engine's hand-off included, has returned
    ctx.addFilter(new FilterHolder((jakarta.servlet.Filter) (rq, rs, chain) -> {
      chain.doFilter(rq, rs);
      dispatchReturned.countDown();
    }), "/async/*", EnumSet.of(DispatcherType.REQUEST));
    ctx.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
    ServletHolder async = new ServletHolder(new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
        jakarta.servlet.AsyncContext ac = req.startAsync();
        if (req.getPathInfo().equals("/burn")) { // 2 ms of this thread's CPU before another thread answers
          java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
          long start = cpu.getCurrentThreadCpuTime();
          while (cpu.getCurrentThreadCpuTime() - start < 2_000_000) {
            Thread.onSpinWait();
          }
          new Thread(() -> { // completed after this thread returned, on another one
            try {
              if (!dispatchReturned.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new IllegalStateException("the request thread never returned");
              }
              ac.getResponse().getOutputStream().write("burnt".getBytes(StandardCharsets.UTF_8));
            } catch (IOException | InterruptedException e) {
              throw new IllegalStateException(e);
            } finally {
              ac.complete();
            }
          }).start();
          return;
        }
        if (req.getPathInfo().equals("/dispatch")) {
          ac.dispatch("/hello/dispatched"); // served again without the filter: the caller must still be known
          return;
        }
        ac.start(() -> {
          try {
            Principal p = MonetizeFilter.principal(ac.getRequest()).orElseThrow();
            ac.getResponse().getOutputStream().write(("async from " + p.customerId()).getBytes(StandardCharsets.UTF_8));
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          } finally {
            ac.complete();
          }
        });
      }
    });
    async.setAsyncSupported(true);
    ctx.addServlet(async, "/async/*");
    ctx.addServlet(new ServletHolder(new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Principal p = MonetizeFilter.principal(req).orElseThrow();
        ((dev.monetize.metering.UsageReporter) req.getAttribute(MonetizeFilter.USAGE_ATTRIBUTE)).report("greetings", 1);
        byte[] body = ("hello " + req.getPathInfo().substring(1) + " from " + p.customerId()).getBytes(StandardCharsets.UTF_8);
        resp.getOutputStream().write(body);
      }
    }), "/hello/*");
    ctx.addServlet(new ServletHolder(new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setCharacterEncoding("UTF-8");
        resp.addHeader("Cache-Control", "no-cache"); // its own choices: kept, the credential's Vary added
        resp.setHeader("Vary", "Accept-Language");
        resp.setStatus(201);
        resp.getWriter().print("h\u00e9llo"); // 6 bytes in UTF-8, never flushed by the servlet
      }
    }), "/writer");
    ctx.addServlet(new ServletHolder(new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.getOutputStream().write(new byte[256 * 1024]); // committed long before the servlet returns
      }
    }), "/big");
    ctx.addServlet(new ServletHolder(new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("X-Draft", "1");
        resp.getOutputStream().write("draft".getBytes(StandardCharsets.UTF_8));
        resp.reset(); // starts over: what it wrote goes, the engine's headers stay
        resp.getOutputStream().write("final".getBytes(StandardCharsets.UTF_8));
      }
    }), "/again");
    ctx.addServlet(new ServletHolder(new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentLength(5);
        resp.getOutputStream().write("sized".getBytes(StandardCharsets.UTF_8)); // its last byte commits it
      }
    }), "/sized");
    ctx.addServlet(new ServletHolder(new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
        throw new IllegalStateException("endpoint bug");
      }
    }), "/boom");
    ctx.addServlet(new ServletHolder(new HttpServlet() {
      @Override
      protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        long read = 0;
        if (req.getPathInfo().equals("/reader")) {
          char[] buf = new char[100];
          for (int n; (n = req.getReader().read(buf)) >= 0; ) {
            read += n;
          }
        } else {
          read = req.getInputStream().readAllBytes().length;
        }
        // work worth 2 ms of this thread's CPU
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        long start = cpu.getCurrentThreadCpuTime();
        long spin = 0;
        while (cpu.getCurrentThreadCpuTime() - start < 2_000_000) {
          spin += Long.numberOfTrailingZeros(spin + start);
        }
        resp.getWriter().print(read + (spin < 0 ? "!" : ""));
      }
    }), "/upload/*");
    ctx.addServlet(new ServletHolder(new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        byte[] body = "complete".getBytes(StandardCharsets.UTF_8);
        if (req.getPathInfo().equals("/length")) {
          resp.setContentLength(body.length);
          resp.getOutputStream().write(body); // the client has the whole response now
        } else {
          resp.getWriter().print("complete");
          resp.getWriter().close(); // so has this one
        }
        // the endpoint is still running (its filter's finally has not run), yet the call must be metered
        monetize.flushUsage();
        seenAfterLastWrite.add(new long[] {usage.calls(u -> u.operationId().equals("held")), monetize.metrics().inFlight()});
      }
    }), "/held/*");
    ctx.addServlet(new ServletHolder(new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.getWriter().print("public");
      }
    }), "/public");
    ctx.addServlet(new ServletHolder(new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("Cache-Control", "public, max-age=600"); // what it said of the answer it then abandons
        resp.setHeader("Content-Encoding", "gzip");
        resp.setHeader("ETag", "\"v1\"");
        resp.setHeader("Retry-After", "7"); // what it says of the request: kept
        resp.setContentType("text/csv; charset=ISO-8859-1");
        resp.getWriter().print("x".repeat(5000)); // buffered, then abandoned for the error (never sent, never metered)
        resp.sendError(Integer.parseInt(req.getPathInfo().substring(1)), "order 42 of tenant x: lock timeout");
      }
    }), "/refuses/*");
    server.setHandler(ctx);
    server.start();
    base = "http://127.0.0.1:" + connector.getLocalPort();
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.stop();
    }
    if (monetize != null) {
      monetize.close();
    }
  }

  private IssuedKey key() {
    monetize.customers().save(Customer.of("acme", "basic"));
    return monetize.keys().issue("acme", Set.of("*"));
  }

  private HttpResponse<String> get(String path, String key) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Waits until no request is in flight: the container may deliver a response to the client
   * before the filter's {@code finally} has released the request's concurrency slot.
   */
  private void awaitIdle() {
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> monetize.metrics().inFlight() == 0);
  }

  @Test
  void admittedRequestsGetHeadersAndTheirBytesAreMetered() throws Exception {
    start(UnmatchedRoutes.PASS_THROUGH);
    IssuedKey key = key();
    HttpResponse<String> r = get("/hello/world", key.secret());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("hello world from acme");
    assertThat(r.headers().firstValue("RateLimit-Policy")).contains("\"rate\";q=1000;w=1, \"daily\";q=1000;w=86400, \"concurrency\";q=1;w=1;qu=\"concurrent-requests\"");
    assertThat(r.headers().firstValue("RateLimit")).isPresent();
    assertThat(r.headers().firstValue("X-Request-Id")).isPresent();
    // an answer to a credential is no shared cache's (RFC 9111 spares only Authorization), and varies with it
    assertThat(r.headers().allValues("Cache-Control")).containsExactly("private");
    assertThat(r.headers().allValues("Vary")).containsExactly("Authorization, X-API-Key");

    awaitIdle();
    HttpResponse<String> w = get("/writer", key.secret());
    assertThat(w.statusCode()).isEqualTo(201);
    assertThat(w.body()).isEqualTo("h\u00e9llo");
    assertThat(w.headers().allValues("Cache-Control")).containsExactly("no-cache");
    assertThat(w.headers().allValues("Vary")).containsExactly("Accept-Language, Authorization, X-API-Key");
    awaitIdle();
    monetize.flushUsage();
    assertThat(usage.records()).filteredOn(u -> u.operationId().equals("hello")).singleElement()
        .satisfies(u -> {
          assertThat(u.bytesOut()).isEqualTo(21);
          assertThat(u.units()).containsEntry("greetings", 1L);
        });
    assertThat(usage.records()).filteredOn(u -> u.operationId().equals("writer")).singleElement()
        .satisfies(u -> {
          assertThat(u.status()).isEqualTo(201);
          assertThat(u.bytesOut()).isEqualTo(6);
        });
  }

  /** A malformed %-escape in the query is refused before admission, on every container alike: never metered. */
  @Test
  void aMalformedQueryEscapeIsRefusedUnmetered() throws Exception {
    start(UnmatchedRoutes.PASS_THROUGH);
    IssuedKey key = key();
    URI at = URI.create(base);
    String answer;
    try (java.net.Socket s = new java.net.Socket(at.getHost(), at.getPort())) { // java.net.URI refuses to send it
      s.getOutputStream().write(("GET /hello/world?name=%zz HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
          + key.secret() + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      answer = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    assertThat(answer).startsWith("HTTP/1.1 400").contains("\"code\":\"bad_request\"")
        .contains("send a literal % as %25");
    assertThat(get("/hello/world?name=%25", key.secret()).statusCode()).isEqualTo(200);
    awaitIdle();
    monetize.flushUsage();
    assertThat(usage.records()).filteredOn(u -> u.operationId().equals("hello")).extracting(u -> u.calls())
        .containsExactly(1L);
  }

  /** A HEAD is metered with the bytes sent: none (the container drops the body the servlet writes). */
  @Test
  void aHeadIsMeteredWithoutTheBodyItDidNotSend() throws Exception {
    start(UnmatchedRoutes.PASS_THROUGH);
    IssuedKey key = key();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/hello/world"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer " + key.secret()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEmpty();
    awaitIdle();
    monetize.flushUsage();
    assertThat(usage.records()).filteredOn(u -> u.operationId().equals("hello")).singleElement()
        .satisfies(u -> assertThat(u.bytesOut()).isZero());
  }

  @Test
  void anAnswerCommittedEarlyOrStartedOverKeepsTheEngineHeaders() throws Exception {
    start(UnmatchedRoutes.PASS_THROUGH);
    IssuedKey key = key();
    HttpResponse<String> big = get("/big", key.secret());
    assertThat(big.body()).hasSize(256 * 1024);
    assertThat(big.headers().allValues("Cache-Control")).containsExactly("private");
    HttpResponse<String> again = get("/again", key.secret());
    assertThat(again.body()).isEqualTo("final");
    assertThat(again.headers().firstValue("X-Draft")).isEmpty();
    assertThat(again.headers().allValues("Cache-Control")).containsExactly("private");
    assertThat(again.headers().allValues("Vary")).containsExactly("Authorization, X-API-Key");
    assertThat(again.headers().firstValue("X-Request-Id")).isPresent();
    assertThat(again.headers().firstValue("RateLimit")).isPresent();
    HttpResponse<String> sized = get("/sized", key.secret());
    assertThat(sized.body()).isEqualTo("sized");
    assertThat(sized.headers().allValues("Cache-Control")).containsExactly("private");
    HttpResponse<String> async = get("/async/x", key.secret()); // written and completed on another thread
    assertThat(async.body()).isEqualTo("async from acme");
    assertThat(async.headers().allValues("Cache-Control")).containsExactly("private");
  }

  @Test
  void anAsyncRequestKnowsItsCallerOnEveryThreadAndDispatch() throws Exception {
    start(UnmatchedRoutes.PASS_THROUGH);
    IssuedKey key = key();
    HttpResponse<String> started = get("/async/start", key.secret());
    assertThat(started.statusCode()).isEqualTo(200);
    assertThat(started.body()).isEqualTo("async from acme");
    awaitIdle();
    HttpResponse<String> dispatched = get("/async/dispatch", key.secret());
    assertThat(dispatched.statusCode()).isEqualTo(200);
    assertThat(dispatched.body()).isEqualTo("hello dispatched from acme");
    awaitIdle();
    monetize.flushUsage();
    assertThat(usage.calls(u -> u.operationId().equals("async"))).isEqualTo(2);
  }

  @Test
  void aCallIsMeteredBeforeTheLastByteOfItsResponse() throws Exception {
    start(UnmatchedRoutes.PASS_THROUGH);
    IssuedKey key = key();
    long before = 0;
    for (String how : List.of("length", "close")) {
      HttpResponse<String> r = get("/held/" + how, key.secret());
      assertThat(r.body()).isEqualTo("complete");
      // the client may have the whole response before the endpoint got here: wait for what it saw
      long[] seen = seenAfterLastWrite.poll(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(seen).as("the endpoint %s ran to its end", how).isNotNull();
      assertThat(seen[0]).as("calls metered when %s completed the body", how).isEqualTo(before + 1);
      // the concurrency slot is released with the early completion too
      assertThat(seen[1]).as("in flight after %s", how).isZero();
      before = seen[0];
    }
    monetize.flushUsage();
    assertThat(usage.records()).filteredOn(u -> u.operationId().equals("held"))
        .allSatisfy(u -> assertThat(u.bytesOut()).isEqualTo(8));
    assertThat(usage.calls(u -> u.operationId().equals("held"))).isEqualTo(2); // and never twice
  }

  @Test
  void requestBytesReadAndCpuTimeAreMetered() throws Exception {
    start(UnmatchedRoutes.PASS_THROUGH);
    IssuedKey key = key();
    String body = "x".repeat(1000);
    for (String how : List.of("stream", "reader")) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/upload/" + how))
          .header("Authorization", "Bearer " + key.secret())
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.body()).isEqualTo("1000");
      awaitIdle();
    }
    monetize.flushUsage();
    assertThat(usage.records()).filteredOn(u -> u.operationId().equals("upload")).singleElement()
        .satisfies(u -> {
          assertThat(u.calls()).isEqualTo(2);
          assertThat(u.bytesIn()).isEqualTo(2000);
          assertThat(u.cpuMicros()).isGreaterThanOrEqualTo(4_000); // each call spent 2 ms of CPU
        });
  }

  /**
   * An endpoint's own sendError is problem JSON with the call's request id (the engine's code for the
   * status, else about:blank), never the container's page, and its message is not shown.
   */
  @Test
  void anEndpointsSendErrorIsProblemJsonWithTheCallsRequestId() throws Exception {
    start(UnmatchedRoutes.PASS_THROUGH);
    IssuedKey key = key();
    for (String[] c : new String[][] {{"409", "\"type\":\"about:blank\",\"title\":\"Conflict\""},
        {"404", "\"code\":\"not_found\""}, {"503", "\"title\":\"Service Unavailable\""}}) {
      HttpResponse<String> r = get("/refuses/" + c[0], key.secret());
      assertThat(r.statusCode()).isEqualTo(Integer.parseInt(c[0]));
      assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
          .startsWith("application/problem+json").doesNotContainIgnoringCase("8859"));
      assertThat(r.headers().allValues("Cache-Control")).containsExactly("no-store");
      assertThat(r.headers().firstValue("Content-Encoding")).isEmpty();
      assertThat(r.headers().firstValue("ETag")).isEmpty();
      assertThat(r.headers().firstValue("Retry-After")).hasValue("7");
      assertThat(r.body()).contains(c[1]).doesNotContain("lock timeout").doesNotContain("xxxxx")
          .doesNotContain("<html");
      if (c[0].equals("404")) {
        assertThat(r.body()).contains("\"request_id\":\"" + r.headers().firstValue("X-Request-Id").orElseThrow());
      }
    }
    awaitIdle();
    monetize.flushUsage();
    assertThat(usage.calls(u -> u.operationId().equals("refuses"))).isEqualTo(3); // the endpoint's answers, metered
    long sent = usage.records().stream().filter(u -> u.operationId().equals("refuses"))
        .mapToLong(dev.monetize.metering.UsageRecord::bytesOut).sum();
    assertThat(sent).isLessThan(3 * 1_000); // the problems' bytes, not the 5,000 abandoned before each
  }

  /** An asynchronous call's cpu_ms is what its request thread spent before handing it off. */
  @Test
  void theCpuTimeOfAnAsynchronousCallIsItsRequestThreads() throws Exception {
    start(UnmatchedRoutes.PASS_THROUGH);
    IssuedKey key = key();
    assertThat(get("/async/burn", key.secret()).body()).isEqualTo("burnt");
    awaitIdle();
    monetize.flushUsage();
    assertThat(usage.records()).filteredOn(u -> u.operationId().equals("async")).singleElement()
        .satisfies(u -> assertThat(u.cpuMicros()).isGreaterThanOrEqualTo(2_000));
  }

  @Test
  void refusalsAreProblemJsonWithTheRequestId() throws Exception {
    start(UnmatchedRoutes.PASS_THROUGH);
    HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/hello/x")).header("X-Request-Id", "trace-42").build();
    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    assertThat(r.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"monetize\"");
    assertThat(r.headers().firstValue("X-Request-Id")).contains("trace-42");
    JsonNode body = json.readTree(r.body());
    assertThat(body.get("code").asText()).isEqualTo("key_missing");
    assertThat(body.get("status").asInt()).isEqualTo(401);
    assertThat(body.get("request_id").asText()).isEqualTo("trace-42");
    assertThat(body.get("type").asText()).isEqualTo("https://monetize.dev/errors#key_missing");
  }

  @Test
  void anEndpointThatThrowsIsMeteredAs500() throws Exception {
    start(UnmatchedRoutes.PASS_THROUGH);
    IssuedKey key = key();
    // the plan allows one request in flight: each throwing call must release its slot
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = get("/boom", key.secret());
      assertThat(r.statusCode()).isEqualTo(500);
      assertThat(r.body()).doesNotContain("endpoint bug").doesNotContain("IllegalStateException");
      awaitIdle();
    }
    assertThat(get("/hello/after", key.secret()).statusCode()).isEqualTo(200);
    awaitIdle();
    monetize.flushUsage();
    assertThat(usage.calls(u -> u.status() == 500)).isEqualTo(3);
    assertThat(usage.calls(u -> u.status() == 200)).isEqualTo(1);
  }

  @Test
  void unmatchedRoutesPassThroughOrAre404() throws Exception {
    start(UnmatchedRoutes.PASS_THROUGH);
    assertThat(get("/public", null).body()).isEqualTo("public");
    stop();
    start(UnmatchedRoutes.NOT_FOUND);
    HttpResponse<String> r = get("/public", null);
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(json.readTree(r.body()).get("code").asText()).isEqualTo("not_found");
  }

  @Test
  void pathTricksDoNotBypassTheFilter() throws Exception {
    start(UnmatchedRoutes.PASS_THROUGH);
    for (String path : new String[] {"/hello/x/", "//hello/x", "/hello/./x", "/public/../hello/x"}) {
      HttpResponse<String> r = get(path, null);
      assertThat(r.statusCode()).as(path).isIn(400, 401, 404);
      assertThat(r.body()).as(path).doesNotContain("hello x");
    }
  }
}
