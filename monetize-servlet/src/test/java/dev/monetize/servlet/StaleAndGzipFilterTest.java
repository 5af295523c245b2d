package dev.monetize.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.ManualTimeSource;
import dev.monetize.Monetize;
import dev.monetize.audit.AuditSink;
import dev.monetize.keys.IssuedKey;
import dev.monetize.metering.InMemoryUsageSink;
import dev.monetize.metering.UsageSink;
import dev.monetize.plans.CachePolicy;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;
import org.awaitility.Awaitility;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Over real HTTP through the servlet filter: a stale entry is answered before its refresh runs,
 * stale entries stand in for failures of every kind, and answers travel compressed when they can.
 */
class StaleAndGzipFilterTest {
  private final InMemoryUsageSink usage = UsageSink.inMemory();
  private final HttpClient http = HttpClient.newHttpClient();
  private final ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-03-01T00:00:00Z"));
  private final AtomicInteger runs = new AtomicInteger();
  private final AtomicReference<String> mode = new AtomicReference<>("ok");
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch refreshing = new CountDownLatch(1);
  private Server server;
  private Monetize monetize;
  private String base;

  @BeforeEach
  void start() throws Exception {
    CachePolicy policy = CachePolicy.ttl(Duration.ofSeconds(60)).staleWhileRevalidate(Duration.ofSeconds(30))
        .staleIfError(Duration.ofSeconds(600));
    Catalog catalog = Catalog.builder()
        .plan(Plan.builder("basic").rate(Rate.perSecond(1000).withBurst(1000)).quota(Quota.daily(10_000)).build())
        .operation(Operation.builder("report", "GET", "/report").cache(policy).build())
        .operation(Operation.builder("rows", "GET", "/rows").build())
        .build();
    monetize = Monetize.builder().catalog(catalog).usageSink(usage).auditSink(AuditSink.inMemory()).timeSource(time)
        .build();
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    ServletContextHandler ctx = new ServletContextHandler();
    ctx.addFilter(new FilterHolder(new MonetizeFilter(monetize, UnmatchedRoutes.NOT_FOUND)), "/*",
        EnumSet.of(DispatcherType.REQUEST));
    ctx.addServlet(new ServletHolder(new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        int n = runs.incrementAndGet();
        switch (mode.get()) {
          case "block" -> {
            refreshing.countDown();
            try {
              release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          case "throw" -> throw new IllegalStateException("the warehouse is down");
          case "sendError" -> {
            resp.sendError(503);
            return;
          }
          case "reset" -> { // starts a large answer, thinks better of it, answers small
            resp.setContentType("application/json");
            resp.getWriter().print("[" + "\"x\",".repeat(3000) + "\"x\"]"); // past the writer's own buffer
            resp.resetBuffer();
            resp.getWriter().print("{\"small\":true}");
            return;
          }
          case "errorAfterWriting" -> {
            resp.setContentType("application/json");
            resp.getWriter().print("[" + "\"x\",".repeat(3000) + "\"x\"]");
            resp.sendError(409);
            return;
          }
          case "secret" -> { // a secret beside what a client sends: never compressed (BREACH)
            resp.addHeader("Cache-Control", "no-store");
            resp.setContentType("application/json");
            resp.getWriter().print("{\"token\":\"" + "s".repeat(2000) + "\"}");
            return;
          }
          case "502" -> {
            resp.setStatus(502);
            resp.setContentType("text/plain");
            resp.getWriter().print("bad gateway");
            return;
          }
          default -> { }
        }
        resp.setHeader("X-Run", Integer.toString(n)); // kept with the entry, a refresh's too
        resp.setDateHeader("Last-Modified", n * 1000L);
        resp.setLocale(java.util.Locale.GERMANY); // its Content-Language
        resp.setContentType("application/json");
        resp.getWriter().print("{\"run\":" + n + ",\"rows\":[" + "{\"day\":\"2026-03-01\",\"n\":1},".repeat(100) + "{}]}");
      }
    }), "/*");
    server.setHandler(ctx);
    server.start();
    base = "http://127.0.0.1:" + connector.getLocalPort();
  }

  @AfterEach
  void stop() throws Exception {
    release.countDown();
    server.stop();
    monetize.close();
  }

  private IssuedKey customer(String id) {
    monetize.customers().save(Customer.of(id, "basic"));
    return monetize.keys().issue(id, Set.of("*"));
  }

  private HttpResponse<byte[]> get(String path, IssuedKey k, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + k.secret());
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String body(HttpResponse<byte[]> r) throws IOException {
    if ("gzip".equals(header(r, "Content-Encoding"))) {
      try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(r.body()))) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  private static String header(HttpResponse<?> r, String name) {
    return r.headers().firstValue(name).orElse(null);
  }

  @Test
  void aStaleEntryIsAnsweredBeforeItsRefreshRunsAndRefreshedOnce() throws Exception {
    IssuedKey acme = customer("acme");
    assertThat(body(get("/report", acme))).startsWith("{\"run\":1,");
    time.advance(Duration.ofSeconds(70));
    mode.set("block");
    HttpResponse<byte[]> stale = get("/report", acme); // answered while its refresh is still blocked
    assertThat(refreshing.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(stale.statusCode()).isEqualTo(200);
    assertThat(body(stale)).startsWith("{\"run\":1,");
    assertThat(header(stale, "X-Run")).isEqualTo("1");
    assertThat(header(stale, "Cache-Status")).isEqualTo("monetize; fwd=stale; ttl=-10");
    assertThat(header(stale, "Age")).isEqualTo("70");
    HttpResponse<byte[]> meanwhile = get("/report", acme); // served stale too, no second refresh
    assertThat(body(meanwhile)).startsWith("{\"run\":1,");
    assertThat(runs.get()).isEqualTo(2);
    mode.set("ok");
    release.countDown();
    Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      HttpResponse<byte[]> fresh = get("/report", acme);
      assertThat(header(fresh, "Cache-Status")).isEqualTo("monetize; hit");
      assertThat(body(fresh)).startsWith("{\"run\":2,");
      assertThat(header(fresh, "Age")).isEqualTo("0");
      // the refresh's own headers, as a container would have written them
      assertThat(header(fresh, "X-Run")).isEqualTo("2");
      assertThat(header(fresh, "Last-Modified")).isEqualTo("Thu, 01 Jan 1970 00:00:02 GMT");
      assertThat(header(fresh, "Content-Language")).isEqualTo("de-DE");
    });
    assertThat(runs.get()).isEqualTo(2);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> monetize.metrics().inFlight() == 0);
    monetize.flushUsage();
    assertThat(usage.records().stream().mapToLong(r -> r.units().getOrDefault("cache_hits", 0L)).sum())
        .isGreaterThanOrEqualTo(3);
    assertThat(monetize.cache().statistics().get("report").staleServes()).isEqualTo(2);
  }

  @Test
  void aStaleEntryStandsInForAnExceptionASentErrorAndAWrittenServerError() throws Exception {
    IssuedKey acme = customer("acme");
    HttpResponse<byte[]> first = get("/report", acme);
    time.advance(Duration.ofSeconds(100)); // past the ttl and stale-while-revalidate, inside stale-if-error
    for (String failure : new String[] {"throw", "sendError", "502"}) {
      mode.set(failure);
      HttpResponse<byte[]> stale = get("/report", acme);
      String status = failure.equals("throw") ? "500" : failure.equals("sendError") ? "503" : "502";
      assertThat(stale.statusCode()).as(failure).isEqualTo(200);
      assertThat(body(stale)).isEqualTo(body(first));
      assertThat(header(stale, "Content-Type")).startsWith("application/json");
      assertThat(header(stale, "Cache-Status")).isEqualTo("monetize; fwd=stale; fwd-status=" + status + "; ttl=-40");
      assertThat(header(stale, "ETag")).isEqualTo(header(first, "ETag"));
      assertThat(header(stale, "RateLimit")).isNotNull();
    }
    IssuedKey globex = customer("globex"); // nothing cached for it: the failure is its answer
    mode.set("throw");
    HttpResponse<byte[]> failed = get("/report", globex);
    assertThat(failed.statusCode()).isEqualTo(500);
    assertThat(header(failed, "Content-Type")).startsWith("application/problem+json");
    time.advance(Duration.ofSeconds(600)); // past stale-if-error: the failure shows
    assertThat(get("/report", acme).statusCode()).isEqualTo(500);
  }

  @Test
  void aHeadNeverStoresItsEmptyAnswerAndAResetOrAnErrorUndoesCompression() throws Exception {
    IssuedKey acme = customer("acme");
    HttpResponse<byte[]> first = get("/report", acme);
    time.advance(Duration.ofSeconds(70)); // stale, inside stale-while-revalidate
    HttpResponse<byte[]> head = http.send(HttpRequest.newBuilder(URI.create(base + "/report"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer " + acme.secret()).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(header(head, "Cache-Status")).isEqualTo("monetize; fwd=stale; ttl=-10");
    time.advance(Duration.ofSeconds(25)); // past stale-while-revalidate: a HEAD runs the endpoint, stores nothing
    http.send(HttpRequest.newBuilder(URI.create(base + "/report")).method("HEAD", HttpRequest.BodyPublishers.noBody())
        .header("Authorization", "Bearer " + acme.secret()).build(), HttpResponse.BodyHandlers.ofByteArray());
    HttpResponse<byte[]> get = get("/report", acme);
    assertThat(body(get)).startsWith("{\"run\":").hasSize(first.body().length);
    mode.set("reset");
    HttpResponse<byte[]> reset = get("/rows", acme, "Accept-Encoding", "gzip");
    assertThat(header(reset, "Content-Encoding")).isNull();
    assertThat(body(reset)).isEqualTo("{\"small\":true}");
    mode.set("errorAfterWriting");
    HttpResponse<byte[]> error = get("/rows", acme, "Accept-Encoding", "gzip");
    assertThat(error.statusCode()).isEqualTo(409);
    assertThat(header(error, "Content-Encoding")).isNull();
    assertThat(body(error)).doesNotContain("\"x\",\"x\"");
  }

  @Test
  void answersTravelCompressedWhenTheClientTakesGzipAndTheEntryIsStoredOnce() throws Exception {
    IssuedKey acme = customer("acme");
    HttpResponse<byte[]> zipped = get("/report", acme, "Accept-Encoding", "gzip");
    assertThat(header(zipped, "Content-Encoding")).isEqualTo("gzip");
    assertThat(header(zipped, "ETag")).endsWith("--gzip\"");
    assertThat(header(zipped, "Vary")).contains("Accept-Encoding");
    String text = body(zipped);
    assertThat(text).startsWith("{\"run\":1,");
    HttpResponse<byte[]> plain = get("/report", acme); // the same entry, uncompressed
    assertThat(header(plain, "Cache-Status")).isEqualTo("monetize; hit");
    assertThat(header(plain, "Content-Encoding")).isNull();
    assertThat(new String(plain.body(), StandardCharsets.UTF_8)).isEqualTo(text);
    assertThat(header(plain, "ETag")).isEqualTo(header(zipped, "ETag").replace("--gzip\"", "\""));
    HttpResponse<byte[]> zippedHit = get("/report", acme, "Accept-Encoding", "gzip, br");
    assertThat(header(zippedHit, "Content-Encoding")).isEqualTo("gzip");
    assertThat(zippedHit.body()).isEqualTo(zipped.body());
    // either tag names the entry: 304
    assertThat(get("/report", acme, "If-None-Match", header(zipped, "ETag")).statusCode()).isEqualTo(304);
    // an uncached operation compresses as it streams, a client that refuses gzip gets it plain
    HttpResponse<byte[]> rows = get("/rows", acme, "Accept-Encoding", "gzip");
    assertThat(header(rows, "Content-Encoding")).isEqualTo("gzip");
    assertThat(body(rows)).startsWith("{\"run\":2,");
    assertThat(header(get("/rows", acme, "Accept-Encoding", "gzip;q=0"), "Content-Encoding")).isNull();
    assertThat(runs.get()).isEqualTo(3);
    mode.set("secret"); // the application's no-store, added as Spring's ResponseEntity adds it, keeps gzip off
    HttpResponse<byte[]> secret = get("/rows", acme, "Accept-Encoding", "gzip");
    assertThat(header(secret, "Content-Encoding")).isNull();
    assertThat(secret.headers().allValues("Cache-Control")).containsExactly("no-store");
    mode.set("ok");
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> monetize.metrics().inFlight() == 0);
    monetize.flushUsage();
    long sent = usage.records().stream().filter(r -> r.operationId().equals("report")).mapToLong(r -> r.bytesOut()).sum();
    assertThat(sent).isEqualTo(2L * zipped.body().length + plain.body().length); // bytes on the wire
  }
}
