package dev.monetize.jaxrs;

import dev.monetize.testkit.Concurrently;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.Monetize;
import dev.monetize.keys.KeyEnvironment;
import dev.monetize.metering.InMemoryUsageSink;
import dev.monetize.metering.UsageSink;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Concurrency;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.greenbytes.http.sfv.Parser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The adapter's behaviour over real HTTP, the same on every JAX-RS implementation: each subclass
 * starts one (Jersey, RESTEasy) with the resources and {@link MonetizeFeature}.
 */
abstract class JaxRsAdapterContract {
  protected final InMemoryUsageSink usage = UsageSink.inMemory();
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  protected Monetize monetize;
  private String base;
  private String free;
  private String pro;
  private String team;

  /** Starts the implementation with these providers and resource classes; returns the base URL. */
  protected abstract String start(List<Object> providers, Class<?>... resources) throws Exception;

  /** Stops it. */
  protected abstract void stop() throws Exception;

  /**
   * Whether the runtime itself reads, before it answers, a body a {@code GET} announces (and so waits
   * for one never sent, whatever the adapter does; docs/jaxrs.md says what to put in front of it).
   */
  protected boolean readsTheBodyAGetAnnounces() {
    return false;
  }

  @BeforeEach
  void deploy() throws Exception {
    Catalog plans = Catalog.builder()
        .plan(Plan.builder("free").rank(0).rate(Rate.perSecond(1000).withBurst(1000)).quota(Quota.daily(5))
            .scopes("stats:*").build())
        .plan(Plan.builder("team").rank(5).rate(Rate.perSecond(1000).withBurst(1000)).quota(Quota.daily(1000)).build())
        .plan(Plan.builder("pro").rank(10).rate(Rate.perSecond(1000).withBurst(1000)).quota(Quota.daily(1000))
            .concurrency(Concurrency.of(4)).build())
        .build();
    Catalog catalog = MonetizeJaxrs.catalog(plans, Resources.Stats.class, Resources.Mixed.class, Resources.Items.class,
        Resources.Async.class);
    monetize = Monetize.builder().catalog(catalog).environment(KeyEnvironment.TEST).usageSink(usage)
        .measureCpuTime(true).auditSink(batch -> { }).build();
    monetize.customers().save(Customer.of("acme", "free"));
    monetize.customers().save(Customer.of("globex", "pro"));
    free = monetize.keys().issue("acme", Set.of("stats:*")).secret();
    pro = monetize.keys().issue("globex", Set.of("*")).secret();
    monetize.customers().save(Customer.of("initech", "team"));
    team = monetize.keys().issue("initech", Set.of("*")).secret();
    base = start(List.of(new MonetizeFeature(monetize), new MonetizeExceptionMapper(monetize),
        new OpenApiResource(monetize), new Resources.CorsFilter()), Resources.Stats.class, Resources.Public.class, Resources.Mixed.class,
        Resources.Items.class, Resources.Async.class);
  }

  @AfterEach
  void undeploy() throws Exception {
    stop();
    monetize.close();
  }

  private HttpResponse<String> call(String method, String path, String key, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (key != null) {
      b.header("X-API-Key", key);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode problem(HttpResponse<String> r, int status, String code) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    JsonNode n = json.readTree(r.body());
    assertThat(n.get("code").asText()).isEqualTo(code);
    assertThat(n.get("status").asInt()).isEqualTo(status);
    assertThat(n.get("type").asText()).isEqualTo("https://monetize.dev/errors#" + code);
    assertThat(r.headers().firstValue("X-Request-Id")).isPresent();
    assertThat(r.body()).doesNotContain("Exception");
    return n;
  }

  /** Sends {@code request} (head and part of a body) and reads the answer while the connection stays open. */
  private String exchange(String request) throws Exception {
    URI u = URI.create(base);
    try (java.net.Socket s = new java.net.Socket(u.getHost(), u.getPort())) {
      s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      for (int n; (n = s.getInputStream().read(buf)) >= 0; ) {
        answer.write(buf, 0, n);
        String text = answer.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
        if (text.contains("\r\n\r\n") && text.trim().endsWith("}")) {
          break; // the problem is complete, the announced body never was
        }
      }
      return answer.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void refusalsThatNeedNoBodyComeBeforeItAndACredentialSentTwiceIsRefused() throws Exception {
    stop();
    base = start(List.of(new MonetizeFeature(monetize), new MonetizeExceptionMapper(monetize),
        new ManagementResource(monetize)), Resources.Stats.class);
    String head = "POST /monetize/keys HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n";
    // had the server waited for the 60,000 bytes announced, its answer would not be the credential's
    assertThat(exchange(head + "Content-Length: 60000\r\n\r\n{\"")).startsWith("HTTP/1.1 401")
        .contains("\"key_missing\"");
    assertThat(exchange(head + "X-API-Key: " + pro + "\r\nContent-Length: 99999999999\r\n\r\n{}"))
        .startsWith("HTTP/1.1 413").contains("\"payload_too_large\"");
    for (String target : new String[] {"GET /monetize/usage", "GET /v1/summary"}) {
      assertThat(exchange(target + " HTTP/1.1\r\nHost: localhost\r\nX-API-Key: " + pro + "\r\nX-API-Key: " + team
          + "\r\n\r\n")).as(target).startsWith("HTTP/1.1 400").contains("Send one X-API-Key header");
    }
    String body = "{\"organization_id\":\"globex\",\"scopes\":[\"stats:read\"]}";
    assertThat(exchange(head + "X-API-Key: " + pro + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body))
        .startsWith("HTTP/1.1 201").contains("\"secret\"");
  }

  /** Sends {@code request}, closes the sending side (a body cut short), and reads the whole answer. */
  private String halfSent(String request) throws Exception {
    URI u = URI.create(base);
    try (java.net.Socket s = new java.net.Socket(u.getHost(), u.getPort())) {
      s.setSoTimeout(60_000);
      s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      s.shutdownOutput();
      return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void aBodyCutShortIsTheCallers400AndAGetNeverWaitsForABodyItAnnounces() throws Exception {
    String ingest = halfSent("POST /v1/ingest HTTP/1.1\r\nHost: localhost\r\nX-API-Key: " + pro
        + "\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\nonly these bytes");
    assertThat(ingest).startsWith("HTTP/1.1 400").contains("\"bad_request\"").contains("could not be read to its end")
        .doesNotContain("Exception").containsIgnoringCase("x-request-id: ").containsIgnoringCase("cache-control: no-store");
    if (!readsTheBodyAGetAnnounces()) {
      // a GET that announces a body and sends none is answered without reading one (the runtime's check reads)
      String get = exchange("GET /v1/summary HTTP/1.1\r\nHost: localhost\r\nX-API-Key: " + pro
          + "\r\nContent-Length: 5\r\n\r\n");
      assertThat(get).startsWith("HTTP/1.1 200").contains("\"customer\":\"globex\"");
    }
    monetize.flushUsage();
    assertThat(usage.records()).filteredOn(u -> u.operationId().equals("ingest")).singleElement()
        .satisfies(u -> assertThat(u.status()).isEqualTo(400)); // metered as what the caller got, not the endpoint's 500
    // the management API: a body cut short is 400 with the call's id, never a 500
    stop();
    base = start(List.of(new MonetizeFeature(monetize), new MonetizeExceptionMapper(monetize),
        new ManagementResource(monetize)), Resources.Stats.class);
    String keys = halfSent("POST /monetize/keys HTTP/1.1\r\nHost: localhost\r\nX-API-Key: " + pro
        + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"organization_id\"");
    assertThat(keys).startsWith("HTTP/1.1 400").contains("\"bad_request\"").containsIgnoringCase("x-request-id: ")
        .containsIgnoringCase("cache-control: no-store").doesNotContain("Exception");
  }

  @Test
  void matrixParametersDoNotHideAMonetizedRouteFromTheEdgeChecks() throws Exception {
    problem(call("OPTIONS", "/v1/summary;x=1", null), 404, "not_found");
    HttpResponse<String> put = call("PUT", "/v1/summary;x", pro);
    problem(put, 405, "method_not_allowed");
    assertThat(put.headers().firstValue("Allow")).contains("GET, HEAD");
    HttpResponse<String> get = call("GET", "/v1/summary;m=1", pro);
    assertThat(get.statusCode()).isEqualTo(200);
    // not in the cache key: a request with them is neither served from the cache nor stored
    int before = Resources.Stats.CORS_RUNS.get();
    for (String path : new String[] {"/v1/cors;format=csv", "/v1/cors;format=json", "/v1/cors;format=csv"}) {
      HttpResponse<String> r = call("GET", path, pro);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Cache-Status")).as(path).isEmpty();
    }
    assertThat(Resources.Stats.CORS_RUNS.get() - before).isEqualTo(3);
  }

  private void awaitIdle() {
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> monetize.metrics().inFlight() == 0);
  }

  @Test
  void sixteenConcurrentMissesRunTheResourceOnceAndAllGetItsAnswer() throws Exception {
    Resources.Stats.SLOW_RUNS.set(0);
    java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
    Resources.Stats.slowGate = gate;
    java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(16);
    List<java.util.concurrent.Future<HttpResponse<String>>> pending = new java.util.ArrayList<>();
    for (int i = 0; i < 16; i++) {
      pending.add(clients.submit(() -> call("GET", "/v1/slow", team)));
    }
    // all sixteen admitted: one runs the resource (held at the gate), fifteen wait for its answer
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> monetize.metrics().inFlight() == 16);
    gate.countDown();
    List<HttpResponse<String>> answers = new java.util.ArrayList<>();
    for (java.util.concurrent.Future<HttpResponse<String>> f : pending) {
      answers.add(f.get(30, java.util.concurrent.TimeUnit.SECONDS));
    }
    clients.shutdown();
    assertThat(Resources.Stats.SLOW_RUNS.get()).isEqualTo(1);
    assertThat(answers).allSatisfy(r -> {
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("{\"run\":1}");
      assertThat(r.headers().firstValue("Content-Language")).contains("de");
      assertThat(r.headers().firstValue("Link")).contains("</v1/slow?after=1>; rel=\"next\"");
      assertThat(r.headers().firstValue("Last-Modified")).contains("Thu, 01 Jan 1970 00:00:02 GMT");
    });
    assertThat(answers.stream().filter(r -> r.headers().firstValue("Set-Cookie").isPresent()))
        .as("the cookie only on the answer that ran the resource").hasSize(1);
    assertThat(answers.stream().filter(r -> r.headers().firstValue("Cache-Status").orElse("")
        .equals("monetize; fwd=miss; stored"))).hasSize(1);
    assertThat(monetize.cache().statistics().get("stats.slow").stores()).isEqualTo(1);
  }

  /**
   * An answer that varies by {@code Origin} is stored for that origin and served, with its CORS
   * header, only to it; one that varies by a header the key does not hold is sent and not stored.
   */
  @Test
  void anAnswerVaryingByTheOriginIsStoredForItAndOneByAnotherHeaderIsSentUnstored() throws Exception {
    monetize.customers().save(Customer.of("cors-co", "team"));
    String team = monetize.keys().issue("cors-co", Set.of("*")).secret();
    int before = Resources.Stats.CORS_RUNS.get();
    HttpResponse<String> a = call("GET", "/v1/cors", team, "Origin", "https://a.example");
    HttpResponse<String> aAgain = call("GET", "/v1/cors", team, "Origin", "https://a.example");
    HttpResponse<String> b = call("GET", "/v1/cors", team, "Origin", "https://b.example");
    assertThat(a.headers().firstValue("Cache-Status")).contains("monetize; fwd=miss; stored");
    assertThat(aAgain.headers().firstValue("Cache-Status")).contains("monetize; hit");
    assertThat(aAgain.body()).isEqualTo(a.body());
    assertThat(aAgain.headers().firstValue("Access-Control-Allow-Origin")).contains("https://a.example");
    assertThat(String.join(", ", aAgain.headers().allValues("Vary"))).contains("Origin");
    HttpResponse<String> revalidated = call("GET", "/v1/cors", team, "Origin", "https://a.example", "If-None-Match",
        aAgain.headers().firstValue("ETag").orElseThrow());
    assertThat(revalidated.statusCode()).isEqualTo(304);
    assertThat(String.join(", ", revalidated.headers().allValues("Vary"))).as("the Vary a 200 would have")
        .contains("Origin");
    assertThat(b.headers().firstValue("Access-Control-Allow-Origin")).contains("https://b.example");
    assertThat(b.body()).isNotEqualTo(a.body());
    for (String language : new String[] {"de", "fr"}) {
      HttpResponse<String> negotiated = call("GET", "/v1/cors?by=language", team, "Accept-Language", language);
      assertThat(negotiated.statusCode()).isEqualTo(200);
      assertThat(negotiated.headers().firstValue("Cache-Status")).contains("monetize; fwd=miss");
      assertThat(negotiated.body()).startsWith("{\"run\":");
    }
    assertThat(Resources.Stats.CORS_RUNS.get() - before).isEqualTo(4);
  }

  /**
   * An answer the resource marks {@code no-store} or {@code private} is one caller's: never stored,
   * sent with the resource's own {@code Cache-Control} (not the cache's), and run again for the next
   * request.
   */
  @Test
  void anAnswerMarkedNoStoreOrPrivateIsNeverStored() throws Exception {
    monetize.customers().save(Customer.of("private-co", "team"));
    String first = monetize.keys().issue("private-co", Set.of("*")).secret();
    String second = monetize.keys().issue("private-co", Set.of("*")).secret();
    for (String cacheControl : new String[] {"private", "no-store"}) {
      int before = Resources.Stats.CORS_RUNS.get();
      for (String key : new String[] {first, second}) {
        HttpResponse<String> r = call("GET", "/v1/cors?by=" + cacheControl, key);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().allValues("Cache-Control")).as(cacheControl).containsExactly(cacheControl);
        assertThat(r.headers().firstValue("Cache-Status")).as(cacheControl).contains("monetize; fwd=miss"); // not stored
      }
      assertThat(Resources.Stats.CORS_RUNS.get() - before).as(cacheControl).isEqualTo(2);
    }
  }

  /**
   * The application's CORS response filter runs on an answer served from the cache as well: what it
   * adds beside the stored headers is sent once (two {@code Access-Control-Allow-Origin} values and a
   * browser refuses the answer).
   */
  @Test
  void anApplicationsCorsFilterAddingItsHeadersToAHitSendsEachOnce() throws Exception {
    monetize.customers().save(Customer.of("cors-filter-co", "team"));
    String team = monetize.keys().issue("cors-filter-co", Set.of("*")).secret();
    HttpResponse<String> miss = call("GET", "/v1/cors?by=filter", team, "Origin", "https://a.example");
    HttpResponse<String> hit = call("GET", "/v1/cors?by=filter", team, "Origin", "https://a.example");
    assertThat(miss.headers().firstValue("Cache-Status")).contains("monetize; fwd=miss; stored");
    assertThat(hit.headers().firstValue("Cache-Status")).contains("monetize; hit");
    assertThat(hit.headers().allValues("Access-Control-Allow-Origin")).containsExactly("https://a.example");
    assertThat(hit.headers().allValues("Access-Control-Expose-Headers")).containsExactly("RateLimit");
    assertThat(hit.body()).isEqualTo(miss.body());
  }

  @Test
  void missingAndMalformedKeysAre401Problems() throws Exception {
    HttpResponse<String> missing = call("GET", "/v1/summary", null);
    problem(missing, 401, "key_missing");
    assertThat(missing.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"monetize\"");
    problem(call("GET", "/v1/summary", "mk_test_nope"), 401, "key_invalid");
  }

  @Test
  void aPlanWithoutTheOperationIs403WithTheUpgrade() throws Exception {
    JsonNode p = problem(call("GET", "/v1/export", free), 403, "plan_denied");
    assertThat(p.get("hint").asText()).contains("'pro'");
  }

  @Test
  void anAsynchronousCallIsMeteredWithItsRequestThreadsCpuAndLeavesThatThreadClean() throws Exception {
    Resources.Async.returned = new java.util.concurrent.CountDownLatch(1);
    Resources.Async.LEFT_ON_THREAD.clear();
    HttpResponse<String> r = call("GET", "/v1/async/burn", pro);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("burnt");
    awaitIdle();
    monetize.flushUsage();
    // the request thread goes back to the pool without the caller's tenant or context (CWE-488)
    assertThat(Resources.Async.LEFT_ON_THREAD).isEmpty();
    // the resource's thread spent 2 ms before it returned; the answering thread's time is the application's
    assertThat(usage.records()).filteredOn(u -> u.operationId().equals("async.burn")).singleElement()
        .satisfies(u -> assertThat(u.cpuMicros()).isGreaterThanOrEqualTo(2_000));
  }

  @Test
  void aRequestThatAnswersAnotherOnItsThreadKeepsItsOwnTenantAndContext() throws Exception {
    Resources.Async.WAITING.set(null);
    java.util.concurrent.CompletableFuture<HttpResponse<String>> waiting = http.sendAsync(
        HttpRequest.newBuilder(URI.create(base + "/v1/async/wait")).header("Authorization", "Bearer " + pro).build(),
        HttpResponse.BodyHandlers.ofString());
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Resources.Async.WAITING.get() != null);
    HttpResponse<String> waker = call("GET", "/v1/async/wake", team);
    assertThat(waker.statusCode()).isEqualTo(200);
    assertThat(waker.body()).as("initech's request, after answering globex's on its thread").isEqualTo("initech initech");
    assertThat(waiting.get(10, java.util.concurrent.TimeUnit.SECONDS).body()).isEqualTo("woken");
  }

  @Test
  void successCarriesParsableRateLimitHeadersAndTheCallersContext() throws Exception {
    HttpResponse<String> r = call("GET", "/v1/summary", free);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = json.readTree(r.body());
    assertThat(body.get("customer").asText()).isEqualTo("acme");
    assertThat(body.get("same").asBoolean()).as("@Context SecurityContext and current() agree").isTrue();
    assertThat(body.get("role").asBoolean()).as("roles are scopes").isTrue();
    assertThat(body.get("tenant").asText()).as("the tenant, for host code").isEqualTo(body.get("customer").asText());
    awaitIdle();
    monetize.flushUsage();
    assertThat(usage.records()).filteredOn(u -> u.operationId().equals("stats.summary")).singleElement()
        .satisfies(u -> assertThat(u.units()).containsEntry("rows_scanned", 42L));
    String policy = r.headers().firstValue("RateLimit-Policy").orElseThrow();
    String state = r.headers().firstValue("RateLimit").orElseThrow();
    assertThat(Parser.parseList(policy).get()).hasSize(2);
    assertThat(Parser.parseList(state).get().get(0).getParams()).containsKeys("r", "t");
    assertThat(policy).isEqualTo("\"rate\";q=1000;w=1, \"daily\";q=5;w=86400");
    // an answer to a credential is no shared cache's (RFC 9111 spares only Authorization), and varies with it
    assertThat(r.headers().allValues("Cache-Control")).containsExactly("private");
    assertThat(r.headers().allValues("Vary")).containsExactly("Authorization, X-API-Key");
    // path variables with a regular expression are matched by the container, charged by us
    HttpResponse<String> report = call("GET", "/v1/reports/42", pro);
    assertThat(report.body()).isEqualTo("report 42");
    assertThat(report.headers().allValues("Cache-Control")).containsExactly("no-cache"); // the resource's own
    assertThat(report.headers().allValues("Vary")).containsExactly("Accept-Language, Authorization, X-API-Key");
  }

  @Test
  void aBodyOverTheOperationsLimitIs413DeclaredOrChunked() throws Exception {
    java.util.function.Function<HttpRequest.BodyPublisher, HttpResponse<String>> post = body -> {
      try {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/v1/upload")).timeout(Duration.ofSeconds(30))
            .header("X-API-Key", pro).header("Content-Type", "text/plain").POST(body).build(),
            HttpResponse.BodyHandlers.ofString());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
    assertThat(post.apply(HttpRequest.BodyPublishers.ofString("z".repeat(2000))).body()).isEqualTo("2000");
    problem(post.apply(HttpRequest.BodyPublishers.ofString("z".repeat(2001))), 413, "payload_too_large");
    HttpResponse<String> chunked = post.apply(HttpRequest.BodyPublishers.ofInputStream(
        () -> new java.io.ByteArrayInputStream(new byte[50_000])));
    problem(chunked, 413, "payload_too_large");
  }

  @Test
  void requestBodyBytesTheResourceReadsAreMetered() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/ingest"))
        .timeout(Duration.ofSeconds(30)).header("X-API-Key", pro).header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("y".repeat(1234))).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("1234");
    awaitIdle();
    monetize.flushUsage();
    assertThat(usage.records()).filteredOn(u -> u.operationId().equals("ingest")).singleElement()
        .satisfies(u -> assertThat(u.bytesIn()).isEqualTo(1234));
  }

  @Test
  void theCallAfterTheQuotaIs429WithRetryAfter() throws Exception {
    for (int i = 0; i < 5; i++) {
      assertThat(call("GET", "/v1/summary", free).statusCode()).isEqualTo(200);
    }
    HttpResponse<String> over = call("GET", "/v1/summary", free);
    JsonNode p = problem(over, 429, "quota_exhausted");
    long retry = Long.parseLong(over.headers().firstValue("Retry-After").orElseThrow());
    assertThat(retry).isPositive();
    assertThat(p.get("retry_after").asLong()).isEqualTo(retry);
    assertThat(p.get("violated_policies").toString()).contains("daily");
  }

  @Test
  void usageEqualsThe2xxAnswersUnderConcurrentClients() throws Exception {
    int ok = Concurrently.call(8, t -> {
      int answered = 0;
      for (int i = 0; i < 20; i++) {
        if (call("GET", "/v1/summary", pro).statusCode() == 200) {
          answered++;
        }
      }
      return answered;
    }).stream().mapToInt(Integer::intValue).sum();
    awaitIdle();
    monetize.flushUsage();
    assertThat(ok).isPositive();
    assertThat(usage.successfulCalls("globex")).isEqualTo(ok);
  }

  @Test
  void aThrowingResourceIsMeteredAndReleasesItsSlot() throws Exception {
    for (int i = 0; i < 6; i++) {
      HttpResponse<String> r = call("POST", "/v1/boom", pro);
      assertThat(r.statusCode()).isEqualTo(500);
      assertThat(r.body()).doesNotContain("endpoint bug").doesNotContain("IllegalStateException");
      assertThat(json.readTree(r.body()).get("code").asText()).isEqualTo("internal");
      awaitIdle();
    }
    assertThat(call("GET", "/v1/summary", pro).statusCode()).as("4 slots, all free again").isEqualTo(200);
    awaitIdle();
    monetize.flushUsage();
    assertThat(usage.calls(u -> u.status() == 500 && u.operationId().equals("boom"))).isEqualTo(6);
  }

  @Test
  void theRuntimesOwnRefusalsAreProblemsToo() throws Exception {
    problem(call("GET", "/no/such/resource", free), 404, "not_found");
    HttpResponse<String> wrongMethod = call("DELETE", "/public", null);
    problem(wrongMethod, 405, "method_not_allowed");
    assertThat(wrongMethod.headers().firstValue("Allow").orElse("")).contains("GET");
    // on a monetized route, the catalog's methods and the servlet adapter's words (no resource method takes DELETE)
    JsonNode undeclared = problem(call("DELETE", "/v1/summary", free), 405, "method_not_allowed");
    assertThat(undeclared.get("detail").asText()).isEqualTo("DELETE is not offered on /v1/summary; use GET, HEAD.");
    assertThat(call("DELETE", "/v1/summary", free).headers().firstValue("Allow")).hasValue("GET, HEAD");
    // a body the resource does not read, an answer the client does not take: the catalog's problems
    HttpResponse<String> json = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/ingest"))
        .header("X-API-Key", free).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    problem(json, 415, "unsupported_media_type");
    HttpResponse<String> xml = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/summary"))
        .header("X-API-Key", free).header("Accept", "application/xml").build(), HttpResponse.BodyHandlers.ofString());
    problem(xml, 406, "not_acceptable");
  }

  @Test
  void aJsonBodyTheResourceCannotReadIsABadRequestSayingWhereNotWhichClass() throws Exception {
    java.util.function.Function<String, HttpResponse<String>> post = body -> {
      try {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/v1/points")).header("X-API-Key", pro)
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
    assertThat(post.apply("[{\"day\":\"2026-03-01\",\"n\":1}]").body()).isEqualTo("1");
    HttpResponse<String> shape = post.apply("[{\"day\":\"2026-03-01\",\"n\":1},{\"day\":\"x\",\"n\":\"many\"}]");
    assertThat(problem(shape, 400, "bad_request").get("detail").asText())
        .isEqualTo("The request body does not have the shape this endpoint takes, at $[1].n.");
    HttpResponse<String> broken = post.apply("[{\"day\" \"2026-03-01\"}]"); // no colon: not JSON at all
    assertThat(problem(broken, 400, "bad_request").get("detail").asText())
        .startsWith("The request body is not well-formed JSON (line 1, column");
    for (HttpResponse<String> r : List.of(shape, broken)) {
      assertThat(r.body()).doesNotContain("java.").doesNotContain("Exception").doesNotContain("Point");
    }
    // past the operation's limit while Jackson reads a list (which wraps what stopped it): still a 413
    byte[] big = ("[" + "{\"day\":\"2026-03-01\",\"n\":1},".repeat(2_000) + "{}]").getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> tooLarge = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/points"))
        .header("X-API-Key", pro).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))).build(),
        HttpResponse.BodyHandlers.ofString()); // chunked: found out while reading
    problem(tooLarge, 413, "payload_too_large");
  }

  @Test
  void aMethodNobodyMonetizedOnAMonetizedPathIs405() throws Exception {
    HttpResponse<String> r = call("POST", "/v1/mixed", pro);
    problem(r, 405, "method_not_allowed");
    assertThat(r.headers().firstValue("Allow")).hasValue("GET, HEAD");
    assertThat(r.body()).doesNotContain("for free");
    assertThat(call("GET", "/v1/mixed", pro).body()).isEqualTo("read");
  }

  @Test
  void anUnmonetizedVariableRouteCannotServeAMonetizedLiteralOneForFree() throws Exception {
    HttpResponse<String> sold = call("POST", "/v1/items/latest", pro);
    problem(sold, 405, "method_not_allowed");
    assertThat(sold.headers().firstValue("Allow")).hasValue("GET, HEAD");
    assertThat(call("POST", "/v1/items/abc", pro).body()).isEqualTo("touched abc"); // not a monetized path
    assertThat(call("GET", "/v1/items/latest", pro).body()).isEqualTo("latest");
  }

  /**
   * As on the servlet adapter: a monetized route with a trailing slash is a 404 naming the route (never
   * served, never metered), OPTIONS on a monetized path is no way to list its methods without a key,
   * and several Api-Version headers are refused.
   */
  @Test
  void aTrailingSlashOptionsAndTwoVersionsAreRefusedBeforeMatching() throws Exception {
    JsonNode slash = problem(call("GET", "/v1/mixed/", pro), 404, "not_found");
    assertThat(slash.get("detail").asText()).contains("the route is /v1/mixed, without the trailing slash");
    JsonNode options = problem(call("OPTIONS", "/v1/mixed", null), 404, "not_found");
    assertThat(options.get("detail").asText()).isEqualTo("No route for OPTIONS /v1/mixed.");
    problem(http.send(HttpRequest.newBuilder(URI.create(base + "/v1/mixed")).header("X-API-Key", pro)
        .header("Api-Version", "1").header("Api-Version", "2").build(), HttpResponse.BodyHandlers.ofString()),
        400, "bad_request");
    monetize.flushUsage();
    assertThat(usage.records()).isEmpty(); // none of them metered
    assertThat(call("OPTIONS", "/public", null).statusCode()).isEqualTo(200); // the application's own paths keep theirs
  }

  /**
   * As on the servlet adapter: HEAD on a management API route that takes GET is answered as that GET
   * (RFC 9110), without its body; without a key it is the same 401 as the GET's.
   */
  @Test
  void headOnTheManagementApiIsItsGetWithoutTheBody() throws Exception {
    stop();
    base = start(List.of(new MonetizeFeature(monetize), new MonetizeExceptionMapper(monetize),
        new ManagementResource(monetize)), Resources.Stats.class);
    HttpResponse<String> get = call("GET", "/monetize/usage", pro);
    assertThat(get.statusCode()).isEqualTo(200);
    HttpResponse<String> head = call("HEAD", "/monetize/usage", pro);
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("Content-Type")).isEqualTo(get.headers().firstValue("Content-Type"));
    assertThat(head.headers().firstValue("Cache-Control")).hasValue("no-store");
    HttpResponse<String> anonymous = call("HEAD", "/monetize/usage", null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.body()).isEmpty();
    HttpResponse<String> wrong = call("PUT", "/monetize/usage", pro);
    assertThat(wrong.statusCode()).isEqualTo(405);
    assertThat(wrong.headers().firstValue("Allow")).hasValue("GET, HEAD");
  }

  @Test
  void unmonetizedResourcesPassUntouched() throws Exception {
    HttpResponse<String> r = call("GET", "/public", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("hello");
    assertThat(r.headers().firstValue("RateLimit")).isEmpty();
  }

  @Test
  void theGeneratedOpenApiDocumentIsServedAndValid() throws Exception {
    for (String path : List.of("/openapi.json", "/openapi.yaml")) {
      HttpResponse<String> r = call("GET", path, null);
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      io.swagger.v3.parser.core.models.ParseOptions options = new io.swagger.v3.parser.core.models.ParseOptions();
      options.setResolve(true);
      var parsed = new io.swagger.parser.OpenAPIParser().readContents(r.body(), null, options);
      assertThat(parsed.getMessages()).as(path).isEmpty();
      assertThat(parsed.getOpenAPI().getPaths()).containsKeys("/v1/summary", "/v1/reports/{id}", "/v1/export");
      assertThat(parsed.getOpenAPI().getPaths().get("/v1/export").getGet().getExtensions())
          .containsKey("x-monetize");
    }
    // published to anyone, and charged to the client address as the management API's published pages are
    HttpResponse<String> last = null;
    for (int i = 0; i < 200 && (last == null || last.statusCode() == 200); i++) {
      last = call("GET", "/openapi.json", null);
    }
    problem(last, 429, "rate_limited");
    assertThat(last.headers().firstValue("Retry-After")).isPresent();
  }

  @Test
  void bytesOutAreTheBytesOfTheBody() throws Exception {
    HttpResponse<String> r = call("GET", "/v1/export", pro); // streamed: it reads the tenant as it is written
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("a,b\n1,2\n");
    awaitIdle();
    monetize.flushUsage();
    assertThat(usage.records()).filteredOn(u -> u.operationId().equals("export")).singleElement()
        .satisfies(u -> assertThat(u.bytesOut()).isEqualTo("a,b\n1,2\n".length()))
        .satisfies(u -> assertThat(u.units()).containsEntry("rows", 2L)); // reported while it was written
  }
}
