package dev.monetize.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.Monetize;
import dev.monetize.Principal;
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
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The response cache over real HTTP through the servlet filter. */
class CachingFilterTest {
  private final InMemoryUsageSink usage = UsageSink.inMemory();
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicInteger runs = new AtomicInteger();
  private volatile CountDownLatch slowGate = new CountDownLatch(0);
  private Server server;
  private Monetize monetize;
  private String base;

  @BeforeEach
  void start() throws Exception {
    CachePolicy policy = CachePolicy.ttl(Duration.ofSeconds(60)).withTags("stats").withQueryParameters("from");
    Catalog catalog = Catalog.builder()
        .plan(Plan.builder("basic").rate(Rate.perSecond(1000).withBurst(1000)).quota(Quota.daily(10_000)).build())
        .operation(Operation.builder("stats", "GET", "/stats").cache(policy).build())
        .operation(Operation.builder("slow", "GET", "/slow").cache(policy).build())
        .operation(Operation.builder("fail", "GET", "/fail").cache(policy).build())
        .operation(Operation.builder("big", "GET", "/big").cache(policy).build())
        .operation(Operation.builder("cors", "GET", "/cors").cache(policy).build())
        .operation(Operation.builder("lang", "GET", "/lang").cache(policy).build())
        .plan(Plan.builder("degrading").rate(Rate.perSecond(1000).withBurst(1000))
            .quota(Quota.daily(2).withScope(dev.monetize.plans.LimitScope.KEY)).overage(dev.monetize.plans.Overage.DEGRADE)
            .build())
        .operation(Operation.builder("mine", "GET", "/mine").cache(policy).build())
        .operation(Operation.builder("partial", "GET", "/partial").cache(policy).build())
        .operation(Operation.builder("deg", "GET", "/deg").cache(policy).build())
        .operation(Operation.builder("page", "GET", "/page").cache(policy)
            .lifecycle(new dev.monetize.plans.Lifecycle(java.time.Instant.parse("2026-01-01T00:00:00Z"),
                java.util.Optional.empty(), java.util.Optional.empty(),
                java.util.Optional.of(URI.create("https://example.com/migrate")))).build())
        .build();
    monetize = Monetize.builder().catalog(catalog).usageSink(usage).auditSink(AuditSink.inMemory()).build();
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
        Principal p = MonetizeFilter.principal(req).orElseThrow();
        String path = req.getPathInfo();
        if (path.equals("/slow")) {
          try {
            slowGate.await(10, java.util.concurrent.TimeUnit.SECONDS); // until every concurrent miss joined the flight
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        if (path.equals("/fail")) {
          resp.sendError(500);
          return;
        }
        resp.setContentType("application/json");
        if (path.equals("/lang")) { // negotiated by a header the key does not hold
          resp.addHeader("Vary", "Accept-Language");
        }
        if (path.equals("/cors")) { // an answer to one origin, as a CORS filter writes it
          resp.addHeader("Vary", "Origin");
          resp.setHeader("Access-Control-Allow-Origin", req.getHeader("Origin"));
        }
        if (path.equals("/page")) { // headers of its own, which every hit must carry as the miss did
          resp.setHeader("Content-Language", "de");
          resp.addHeader("Link", "</page?after=" + n + ">; rel=\"next\"");
          resp.addHeader("X-Rows", "1");
          resp.addHeader("X-Rows", "2");
          resp.addHeader("Set-Cookie", "session=" + p.customerId());
        }
        if (path.equals("/mine")) { // one caller's answer, as the application says
          resp.setHeader("Cache-Control", req.getParameter("from"));
          resp.getWriter().print("{\"key\":\"" + p.keyId() + "\",\"run\":" + n + "}");
          return;
        }
        if (path.equals("/partial") && "reset".equals(req.getParameter("from"))) { // declared, then reset: whole
          resp.setContentLength(100);
          resp.reset();
          resp.setContentType("application/json");
          resp.getWriter().print("{\"run\":" + n + "}");
          return;
        }
        if (path.equals("/partial")) { // a body cut short of the length the application declared
          resp.setContentLength(100);
          resp.getOutputStream().write("{\"partial\":".getBytes(StandardCharsets.UTF_8));
          return;
        }
        if (path.equals("/deg")) {
          boolean degraded = ((dev.monetize.Decision) req.getAttribute(MonetizeFilter.DECISION_ATTRIBUTE)).degraded();
          resp.getWriter().print("{\"" + (degraded ? "sampled" : "full") + "\":true,\"run\":" + n + "}");
          return;
        }
        if (path.equals("/big")) {
          resp.getOutputStream().write(new byte[2 * CapturingResponse.LIMIT]);
          return;
        }
        resp.getWriter().print("{\"customer\":\"" + p.customerId() + "\",\"run\":" + n + "}");
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

  private static String body(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  private static String header(HttpResponse<?> r, String name) {
    return r.headers().firstValue(name).orElse(null);
  }

  @Test
  void aHitCarriesTheAnswersOwnHeadersButNotItsCookies() throws Exception {
    IssuedKey acme = customer("acme");
    HttpResponse<byte[]> miss = get("/page", acme);
    HttpResponse<byte[]> hit = get("/page", acme);
    assertThat(header(hit, "Cache-Status")).isEqualTo("monetize; hit");
    assertThat(body(hit)).isEqualTo(body(miss));
    for (HttpResponse<byte[]> r : List.of(miss, hit)) {
      assertThat(header(r, "Content-Language")).isEqualTo("de");
      assertThat(r.headers().allValues("X-Rows")).containsExactly("1", "2");
      // the application's link as the miss had it, beside the engine's own (once, not stored twice)
      assertThat(String.join(", ", r.headers().allValues("Link"))).contains("</page?after=1>; rel=\"next\"")
          .containsOnlyOnce("rel=\"deprecation\"");
      assertThat(header(r, "X-Request-Id")).isNotEqualTo(header(r == miss ? hit : miss, "X-Request-Id"));
    }
    assertThat(header(miss, "Set-Cookie")).isEqualTo("session=acme");
    assertThat(header(hit, "Set-Cookie")).as("one caller's cookie is nobody else's").isNull();
    HttpResponse<byte[]> revalidated = get("/page", acme, "If-None-Match", header(miss, "ETag"));
    assertThat(revalidated.statusCode()).isEqualTo(304);
  }

  /**
   * An answer a CORS filter made vary by {@code Origin} is stored for that origin: a second request
   * from it is a hit with the same {@code Access-Control-Allow-Origin} and {@code Vary}, another
   * origin (or none) gets an answer of its own, and a request sending a preflight header is not served
   * the stored one (its answer, varying by the origin, is not stored).
   */
  @Test
  void anAnswerThatVariesWithTheOriginIsStoredForThatOriginAndServedOnlyToIt() throws Exception {
    IssuedKey acme = customer("acme");
    HttpResponse<byte[]> a = get("/cors", acme, "Origin", "https://a.example");
    HttpResponse<byte[]> aAgain = get("/cors", acme, "Origin", "https://a.example");
    HttpResponse<byte[]> b = get("/cors", acme, "Origin", "https://b.example");
    HttpResponse<byte[]> bAgain = get("/cors", acme, "Origin", "https://b.example");
    HttpResponse<byte[]> none = get("/cors", acme);
    HttpResponse<byte[]> preflightHeader = get("/cors", acme, "Origin", "https://a.example",
        "Access-Control-Request-Method", "GET");
    assertThat(header(a, "Cache-Status")).isEqualTo("monetize; fwd=miss; stored");
    assertThat(header(aAgain, "Cache-Status")).isEqualTo("monetize; hit");
    assertThat(header(aAgain, "Access-Control-Allow-Origin")).isEqualTo("https://a.example");
    assertThat(header(aAgain, "Vary")).contains("Origin").contains("Authorization");
    assertThat(body(aAgain)).isEqualTo(body(a));
    assertThat(header(b, "Cache-Status")).as("another origin's answer is its own").isEqualTo("monetize; fwd=miss; stored");
    assertThat(header(bAgain, "Access-Control-Allow-Origin")).isEqualTo("https://b.example");
    assertThat(header(bAgain, "Cache-Status")).isEqualTo("monetize; hit");
    assertThat(header(none, "Cache-Status")).as("no Origin sent: not a CORS answer").isEqualTo("monetize; fwd=miss; stored");
    assertThat(header(none, "Access-Control-Allow-Origin")).isNull();
    assertThat(header(preflightHeader, "Cache-Status")).isEqualTo("monetize; fwd=miss");
    assertThat(runs.get()).isEqualTo(4);
    HttpResponse<byte[]> revalidated = get("/cors", acme, "Origin", "https://a.example", "If-None-Match",
        header(aAgain, "ETag"));
    assertThat(revalidated.statusCode()).isEqualTo(304);
    assertThat(String.join(", ", revalidated.headers().allValues("Vary"))).as("the Vary a 200 would have")
        .contains("Origin");
  }

  /** An answer that varies by a header outside the key is sent as written and not stored (never a 500). */
  @Test
  void anAnswerVaryingByAHeaderOutsideTheKeyIsSentAndNotStored() throws Exception {
    IssuedKey acme = customer("acme");
    HttpResponse<byte[]> first = get("/lang", acme, "Accept-Language", "de");
    HttpResponse<byte[]> second = get("/lang", acme, "Accept-Language", "fr");
    for (HttpResponse<byte[]> r : List.of(first, second)) {
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(header(r, "Cache-Status")).isEqualTo("monetize; fwd=miss");
      assertThat(body(r)).startsWith("{\"customer\":\"acme\"");
    }
    assertThat(runs.get()).isEqualTo(2);
  }

  @Test
  void aMissThenAHitWithTheSameEtagA304AndEachTenantItsOwnAnswer() throws Exception {
    IssuedKey acme = customer("acme");
    HttpResponse<byte[]> miss = get("/stats?from=1&utm=a", acme);
    assertThat(miss.statusCode()).isEqualTo(200);
    assertThat(body(miss)).isEqualTo("{\"customer\":\"acme\",\"run\":1}");
    assertThat(header(miss, "Cache-Status")).isEqualTo("monetize; fwd=miss; stored");
    assertThat(header(miss, "Cache-Control")).isEqualTo("private, max-age=60");
    assertThat(header(miss, "Vary")).contains("Authorization");
    String etag = header(miss, "ETag");
    assertThat(etag).startsWith("\"");
    HttpResponse<byte[]> hit = get("/stats?utm=b&from=1", acme);
    assertThat(body(hit)).isEqualTo(body(miss));
    assertThat(header(hit, "Cache-Status")).isEqualTo("monetize; hit");
    assertThat(header(hit, "ETag")).isEqualTo(etag);
    assertThat(header(hit, "Age")).isNotNull();
    assertThat(header(hit, "Content-Type")).startsWith("application/json");
    assertThat(header(hit, "RateLimit")).isNotNull(); // limited like any call, with fresh numbers
    HttpResponse<byte[]> notModified = get("/stats?from=1", acme, "If-None-Match", etag);
    assertThat(notModified.statusCode()).isEqualTo(304);
    assertThat(notModified.body()).isEmpty();
    // RFC 9110 8.6: a 304's Content-Length, if any, is the 200's
    assertThat(notModified.headers().allValues("Content-Length")).containsExactly(Integer.toString(miss.body().length));
    HttpResponse<byte[]> head = http.send(HttpRequest.newBuilder(URI.create(base + "/stats?from=1"))
        .header("Authorization", "Bearer " + acme.secret()).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(header(head, "Cache-Status")).isEqualTo("monetize; hit");
    assertThat(head.body()).isEmpty();
    // another tenant, the same URL: its own answer
    HttpResponse<byte[]> globex = get("/stats?from=1", customer("globex"));
    assertThat(body(globex)).isEqualTo("{\"customer\":\"globex\",\"run\":2}");
    assertThat(runs.get()).isEqualTo(2);
    // the tag invalidated for acme: the next request runs the endpoint
    monetize.cache().invalidate("acme", "stats");
    assertThat(body(get("/stats?from=1", acme))).isEqualTo("{\"customer\":\"acme\",\"run\":3}");
    // metered: every call, the hits apart
    monetize.flushUsage();
    assertThat(usage.calls(r -> r.customerId().equals("acme"))).isEqualTo(5);
    assertThat(usage.records().stream().filter(r -> r.customerId().equals("acme"))
        .mapToLong(r -> r.units().getOrDefault("cache_hits", 0L)).sum()).isEqualTo(3);
  }

  @Test
  void sixteenConcurrentMissesRunTheEndpointOnce() throws Exception {
    IssuedKey acme = customer("acme");
    List<String> bodies = new CopyOnWriteArrayList<>();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      Thread t = new Thread(() -> {
        try {
          go.await();
          bodies.add(body(get("/slow", acme)));
        } catch (Exception e) {
          bodies.add("failed: " + e);
        }
      });
      t.start();
      threads.add(t);
    }
    slowGate = new CountDownLatch(1);
    go.countDown();
    // all sixteen admitted: one runs the endpoint (held at the gate), fifteen wait for its answer
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> monetize.metrics().inFlight() == 16);
    slowGate.countDown();
    for (Thread t : threads) {
      t.join();
    }
    assertThat(bodies).hasSize(16).containsOnly("{\"customer\":\"acme\",\"run\":1}");
    assertThat(runs.get()).isEqualTo(1);
  }

  @Test
  void errorsAndBodiesTooLargeToHoldAreNotStored() throws Exception {
    IssuedKey acme = customer("acme");
    HttpResponse<byte[]> failed = get("/fail", acme);
    assertThat(failed.statusCode()).as(failed.headers().map() + " " + body(failed)).isEqualTo(500);
    assertThat(failed.headers().allValues("Cache-Control")).noneMatch(v -> v.contains("max-age=60")); // never cacheable
    assertThat(header(failed, "Cache-Status")).isEqualTo("monetize; fwd=miss");
    assertThat(get("/fail", acme).statusCode()).isEqualTo(500);
    assertThat(runs.get()).isEqualTo(2);
    HttpResponse<byte[]> big = get("/big", acme);
    assertThat(big.body()).hasSize(2 * CapturingResponse.LIMIT);
    assertThat(get("/big", acme).body()).hasSize(2 * CapturingResponse.LIMIT);
    assertThat(runs.get()).isEqualTo(4);
  }

  /**
   * An answer the application marks {@code no-store} or {@code private} is one caller's: sent as
   * written (its own {@code Cache-Control} kept) and never stored, so another key of the tenant runs
   * the endpoint for an answer of its own.
   */
  @Test
  void anAnswerMarkedNoStoreOrPrivateIsNeverStored() throws Exception {
    IssuedKey alice = customer("acme");
    IssuedKey bob = monetize.keys().issue("acme", Set.of("*"));
    for (String cacheControl : List.of("no-store", "private", "private=\"Set-Cookie\", max-age=10", "Private, max-age=60")) {
      String path = "/mine?from=" + java.net.URLEncoder.encode(cacheControl, StandardCharsets.UTF_8);
      HttpResponse<byte[]> first = get(path, alice);
      HttpResponse<byte[]> second = get(path, bob);
      assertThat(first.statusCode()).isEqualTo(200);
      assertThat(header(first, "Cache-Control")).as(cacheControl).isEqualTo(cacheControl);
      assertThat(header(first, "Cache-Status")).as(cacheControl).isEqualTo("monetize; fwd=miss"); // not stored
      assertThat(body(first)).contains(alice.key().id());
      assertThat(body(second)).as(cacheControl).contains(bob.key().id()).doesNotContain(alice.key().id());
      assertThat(header(second, "Cache-Status")).isEqualTo("monetize; fwd=miss");
    }
    HttpResponse<byte[]> shared = get("/mine?from=" + java.net.URLEncoder.encode("max-age=5", StandardCharsets.UTF_8), alice);
    assertThat(header(shared, "Cache-Status")).contains("stored"); // the control: a cache-control of no such kind
    assertThat(body(get("/mine?from=" + java.net.URLEncoder.encode("max-age=5", StandardCharsets.UTF_8), bob)))
        .contains(alice.key().id());
  }

  /**
   * An answer whose body falls short of the length the application declared is broken: never stored
   * (the endpoint runs again for the next request), and sent with the declared length, as it would be
   * without the cache (the server fails it).
   */
  @Test
  void anAnswerCutShortOfItsDeclaredLengthIsNeverStored() throws Exception {
    IssuedKey acme = customer("acme");
    for (int i = 0; i < 2; i++) {
      try {
        HttpResponse<byte[]> r = get("/partial", acme);
        assertThat(r.statusCode()).isNotEqualTo(200); // the server's own failure, when it could still answer
      } catch (IOException e) {
        // the server cut the connection: the client never got a complete answer either
      }
    }
    assertThat(runs.get()).isEqualTo(2);
    assertThat(monetize.metrics().cacheStores()).isZero();
    // a length declared and then reset with the rest of the answer is forgotten with it
    HttpResponse<byte[]> whole = get("/partial?from=reset", acme);
    assertThat(whole.statusCode()).isEqualTo(200);
    assertThat(body(whole)).isEqualTo("{\"run\":3}");
    assertThat(header(whole, "Cache-Status")).isEqualTo("monetize; fwd=miss; stored");
    assertThat(body(get("/partial?from=reset", acme))).isEqualTo("{\"run\":3}");
  }

  /**
   * A degraded request (past its quota, on a plan that degrades) is neither stored nor served from the
   * cache: the application's cheaper answer to it is nobody else's, and it gets that answer, not a
   * full one from the cache.
   */
  @Test
  void aDegradedRequestIsNeitherStoredNorServedFromTheCache() throws Exception {
    monetize.customers().save(Customer.of("thrifty", "degrading"));
    IssuedKey spent = monetize.keys().issue("thrifty", Set.of("*"));
    IssuedKey fresh = monetize.keys().issue("thrifty", Set.of("*"));
    assertThat(body(get("/deg", fresh))).contains("\"full\""); // stored: a full answer, within the quota
    get("/stats", spent);
    get("/stats", spent); // its quota is spent: from now on degraded
    HttpResponse<byte[]> degraded = get("/deg", spent);
    assertThat(header(degraded, "Monetize-Degraded")).isNotNull();
    assertThat(body(degraded)).contains("\"sampled\"");
    assertThat(header(degraded, "Cache-Status")).isNull();
    HttpResponse<byte[]> hit = get("/deg", fresh);
    assertThat(header(hit, "Cache-Status")).isEqualTo("monetize; hit");
    assertThat(body(hit)).contains("\"full\"");
  }
}
