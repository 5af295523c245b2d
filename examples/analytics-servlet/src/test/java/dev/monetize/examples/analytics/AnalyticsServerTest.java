package dev.monetize.examples.analytics;

import dev.monetize.testkit.Concurrently;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.ManualTimeSource;
import dev.monetize.config.CatalogLoader;
import dev.monetize.metering.InMemoryUsageSink;
import dev.monetize.metering.UsageSink;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.greenbytes.http.sfv.ListElement;
import org.greenbytes.http.sfv.OuterList;
import org.greenbytes.http.sfv.Parser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The example service over real HTTP on embedded Jetty. */
class AnalyticsServerTest {
  private static final String SMALL_QUOTA = """
      plans:
        free:
          rank: 0
          rate: { count: 100000, period: 1s, burst: 100000 }
          quotas: [ { limit: 20, window: day } ]
          scopes: ["events:write", "stats:read"]
        pro:
          rank: 10
          rate: { count: 100000, period: 1s, burst: 100000 }
          quotas: [ { limit: 300, window: day } ]
          scopes: ["*"]
      operations:
        - { id: events.ingest, method: POST, path: /v1/events, scope: "events:write" }
        - { id: stats.summary, method: GET, path: /v1/stats/summary, scope: "stats:read" }
        - { id: export, method: GET, path: /v1/export, scope: "export:read", minimum_plan: pro, cost: 10 }
      """;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final ObjectMapper json = new ObjectMapper();
  private final InMemoryUsageSink usage = UsageSink.inMemory();
  private final ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-05-05T10:00:00Z"));
  private AnalyticsServer app;

  @AfterEach
  void stop() {
    if (app != null) {
      app.close();
    }
  }

  private void startShipped() throws Exception {
    app = AnalyticsServer.builder().port(0).usageSink(usage).timeSource(time).start();
  }

  private void startSmallQuota() throws Exception {
    app = AnalyticsServer.builder().port(0).usageSink(usage).timeSource(time)
        .catalog(CatalogLoader.parse("small.yaml", SMALL_QUOTA)).start();
  }

  private HttpResponse<String> send(String method, String path, String key, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
        .timeout(Duration.ofSeconds(30));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path, String key) throws Exception {
    return send("GET", path, key, null);
  }

  private JsonNode problem(HttpResponse<String> r) throws Exception {
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    JsonNode n = json.readTree(r.body());
    assertThat(n.get("status").asInt()).isEqualTo(r.statusCode());
    assertThat(n.get("type").asText()).isEqualTo("https://monetize.dev/errors#" + n.get("code").asText());
    assertThat(n.get("hint").asText()).isNotBlank();
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("at dev.");
    return n;
  }

  /** The summary is served from the cache for 60 s, and ingesting events drops the caller's entry at once. */
  @Test
  void theSummaryIsCachedPerTenantAndIngestingEventsRefreshesIt() throws Exception {
    startShipped();
    String pro = app.demoKeys().get("pro");
    HttpResponse<String> first = get("/v1/stats/summary", pro);
    assertThat(first.headers().firstValue("Cache-Status")).contains("monetize; fwd=miss; stored");
    HttpResponse<String> second = get("/v1/stats/summary", pro);
    assertThat(second.headers().firstValue("Cache-Status")).contains("monetize; hit");
    assertThat(second.body()).isEqualTo(first.body());
    HttpResponse<String> other = get("/v1/stats/summary", app.demoKeys().get("free"));
    assertThat(other.headers().firstValue("Cache-Status")).contains("monetize; fwd=miss; stored");
    assertThat(send("POST", "/v1/events", pro, "[{\"type\":\"click\",\"timestamp\":\"2026-05-05T09:00:00Z\"}]")
        .statusCode()).isEqualTo(202);
    HttpResponse<String> fresh = get("/v1/stats/summary", pro);
    assertThat(fresh.headers().firstValue("Cache-Status")).contains("monetize; fwd=miss; stored");
    assertThat(fresh.body()).isNotEqualTo(first.body());
    assertThat(get("/v1/stats/summary", app.demoKeys().get("free")).headers().firstValue("Cache-Status"))
        .contains("monetize; hit"); // the free tenant's entry stands
    String etag = fresh.headers().firstValue("ETag").orElseThrow();
    HttpResponse<String> same = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
        + "/v1/stats/summary")).header("Authorization", "Bearer " + pro).header("If-None-Match", etag).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(same.statusCode()).isEqualTo(304);
  }

  @Test
  void missingKeyIs401KeyMissing() throws Exception {
    startShipped();
    HttpResponse<String> r = get("/v1/stats/summary", null);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(problem(r).get("code").asText()).isEqualTo("key_missing");
    assertThat(r.headers().firstValue("WWW-Authenticate")).isPresent();
  }

  /** A refused request's body is not read, so the answer says the connection closes (no reuse race). */
  @Test
  void aRefusalOfARequestWithABodyClosesTheConnection() throws Exception {
    startShipped();
    HttpResponse<String> r = send("POST", "/v1/events", null, "[{\"type\":\"click\",\"timestamp\":\"2026-05-05T09:00:00Z\"}]");
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("connection")).contains("close");
    HttpResponse<String> noBody = get("/v1/stats/summary", null);
    assertThat(noBody.statusCode()).isEqualTo(401);
    assertThat(noBody.headers().firstValue("connection")).isEmpty();
  }

  @Test
  void malformedKeyIs401KeyInvalid() throws Exception {
    startShipped();
    String key = app.demoKeys().get("pro");
    String typo = key.substring(0, 12) + (key.charAt(12) == 'a' ? 'b' : 'a') + key.substring(13);
    for (String bad : List.of("nonsense", typo, key.substring(0, key.length() - 1))) {
      HttpResponse<String> r = get("/v1/stats/summary", bad);
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(problem(r).get("code").asText()).isEqualTo("key_invalid");
    }
    assertThat(app.monetize().metrics().malformedKeyRefusals()).isEqualTo(3);
  }

  @Test
  void freeKeyOnExportIs403PlanDenied() throws Exception {
    startShipped();
    HttpResponse<String> r = get("/v1/export", app.demoKeys().get("free"));
    assertThat(r.statusCode()).isEqualTo(403);
    JsonNode p = problem(r);
    assertThat(p.get("code").asText()).isEqualTo("plan_denied");
    assertThat(p.get("hint").asText()).contains("'pro'");
  }

  @Test
  void successCarriesRateLimitHeadersThatParseAsStructuredFields() throws Exception {
    startShipped();
    HttpResponse<String> r = get("/v1/stats/summary", app.demoKeys().get("pro"));
    assertThat(r.statusCode()).isEqualTo(200);
    OuterList policy = Parser.parseList(r.headers().firstValue("RateLimit-Policy").orElseThrow());
    assertThat(policy.get().stream().map(e -> (Object) e.get()).toList()).containsExactly("rate", "daily", "monthly");
    for (ListElement<?> p : policy.get()) {
      assertThat(p.getParams().get("q").get()).isInstanceOf(Long.class);
      assertThat(p.getParams().get("w").get()).isInstanceOf(Long.class);
    }
    OuterList state = Parser.parseList(r.headers().firstValue("RateLimit").orElseThrow());
    assertThat(state.get()).hasSize(1);
    assertThat(state.get().get(0).getParams()).containsKeys("r", "t");
    assertThat(r.headers().firstValue("X-Request-Id")).isPresent();
    assertThat(r.headers().firstValue("Server")).isEmpty();
    assertThat(json.readTree(r.body()).isObject()).isTrue();
  }

  @Test
  void theRemainingCountInTheHeaderIsWhatTheServerThenAdmits() throws Exception {
    startShipped(); // free: 5/s with burst 5; the manual clock stands still, so nothing refills
    String key = app.demoKeys().get("free");
    HttpResponse<String> first = get("/v1/stats/summary", key);
    ListElement<?> state = Parser.parseList(first.headers().firstValue("RateLimit").orElseThrow()).get().get(0);
    long remaining = (Long) state.getParams().get("r").get();
    assertThat(remaining).isEqualTo(5);
    for (long i = 0; i < remaining; i++) {
      assertThat(get("/v1/stats/summary", key).statusCode()).isEqualTo(200);
    }
    HttpResponse<String> refused = get("/v1/stats/summary", key);
    assertThat(refused.statusCode()).isEqualTo(429);
    JsonNode p = problem(refused);
    assertThat(p.get("code").asText()).isEqualTo("rate_limited");
    long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
    ListElement<?> refusedState = Parser.parseList(refused.headers().firstValue("RateLimit").orElseThrow()).get().get(0);
    assertThat(retryAfter).isGreaterThanOrEqualTo((Long) refusedState.getParams().get("t").get()).isPositive();
    assertThat(p.get("violated_policies").get(0).asText()).isEqualTo("rate");
    time.advance(Duration.ofSeconds(retryAfter));
    assertThat(get("/v1/stats/summary", key).statusCode()).isEqualTo(200);
  }

  @Test
  void theCallAfterTheQuotaIs429QuotaExhausted() throws Exception {
    startSmallQuota();
    String key = app.demoKeys().get("free");
    for (int i = 1; i <= 20; i++) {
      assertThat(get("/v1/stats/summary", key).statusCode()).as("call %d", i).isEqualTo(200);
    }
    HttpResponse<String> r = get("/v1/stats/summary", key);
    assertThat(r.statusCode()).isEqualTo(429);
    JsonNode p = problem(r);
    assertThat(p.get("code").asText()).isEqualTo("quota_exhausted");
    long untilMidnight = Duration.between(time.now(), Instant.parse("2026-05-06T00:00:00Z")).toSeconds();
    assertThat(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow())).isGreaterThanOrEqualTo(untilMidnight);
    assertThat(p.get("retry_after").asLong()).isGreaterThanOrEqualTo(untilMidnight);
  }

  @Test
  void usageEqualsTheNumberOf2xxAnswersUnderConcurrentClients() throws Exception {
    startSmallQuota(); // pro: 300 per day
    String key = app.demoKeys().get("pro");
    int threads = 8;
    int callsEach = 50; // 400 calls for a quota of 300
    List<int[]> results = Concurrently.call(threads, thread -> {
      int answered = 0;
      int refusedHere = 0;
      for (int i = 0; i < callsEach; i++) {
        HttpResponse<String> r = (thread + i) % 3 == 0
            ? send("POST", "/v1/events", key, "[{\"type\":\"click\",\"timestamp\":\"2026-05-05T09:00:00Z\"}]")
            : get("/v1/stats/summary", key);
        if (r.statusCode() / 100 == 2) {
          answered++;
        } else if (r.statusCode() == 429) {
          refusedHere++;
        }
      }
      return new int[] {answered, refusedHere};
    });
    int ok = results.stream().mapToInt(r -> r[0]).sum();
    int refused = results.stream().mapToInt(r -> r[1]).sum();
    assertThat(ok).isEqualTo(300);
    assertThat(refused).isEqualTo(100);
    // a response can reach the client just before the filter's finally has metered it
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> app.monetize().metrics().inFlight() == 0);
    app.monetize().flushUsage();
    assertThat(usage.successfulCalls("demo-pro")).isEqualTo(ok);
  }

  @Test
  void badInputIsA400ProblemNeverA500() throws Exception {
    startShipped();
    String key = app.demoKeys().get("pro");
    for (String body : List.of("not json", "{}", "[1,2]", "[{\"type\": 5}]", "[{\"type\":\"a\",\"timestamp\":\"yesterday\"}]", "")) {
      HttpResponse<String> r = send("POST", "/v1/events", key, body);
      assertThat(r.statusCode()).as(body).isEqualTo(400);
      assertThat(problem(r).get("code").asText()).isEqualTo("bad_request");
    }
    HttpResponse<String> r = get("/v1/stats/timeseries?from=2026-05-05T00:00:00Z&to=2026-05-04T00:00:00Z", key);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(problem(r).get("detail").asText()).contains("from");
    assertThat(get("/v1/stats/timeseries?interval=fortnight", key).statusCode()).isEqualTo(400);
    // one byte past the limit, so that the endpoint reads all of it before it refuses (a body left partly unread
    // is cut by a close the client may see as a reset while it is still sending)
    HttpResponse<String> big = send("POST", "/v1/events", key, "[" + " ".repeat((1 << 20) - 1) + "]");
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(problem(big).get("code").asText()).isEqualTo("payload_too_large");
  }

  @Test
  void tenantsNeverSeeEachOthersEvents() throws Exception {
    startShipped();
    String pro = app.demoKeys().get("pro");
    String ent = app.demoKeys().get("enterprise");
    HttpResponse<String> ingest = send("POST", "/v1/events", pro,
        "[{\"type\":\"click\",\"user_id\":\"u1\",\"timestamp\":\"2026-05-05T09:00:00Z\"},"
            + "{\"type\":\"view\",\"user_id\":\"u2\",\"timestamp\":\"2026-05-05T09:30:00Z\"}]");
    assertThat(ingest.statusCode()).isEqualTo(202);
    assertThat(json.readTree(ingest.body()).get("accepted").asInt()).isEqualTo(2);
    assertThat(get("/v1/stats/summary", pro).body()).contains("click");
    assertThat(get("/v1/stats/summary", ent).body()).doesNotContain("click");
    HttpResponse<String> export = get("/v1/export", pro);
    assertThat(export.statusCode()).isEqualTo(200);
    assertThat(export.body().lines()).hasSize(2);
    assertThat(get("/v1/export", ent).body()).isEmpty();
    HttpResponse<String> series = get("/v1/stats/timeseries?from=2026-05-05T08:00:00Z&to=2026-05-05T10:00:00Z&interval=hour", pro);
    assertThat(series.statusCode()).isEqualTo(200);
    assertThat(json.readTree(series.body()).get("buckets")).hasSize(2);
  }

  @Test
  void theOpenApiDocumentDescribesWhatTheServiceEnforces() throws Exception {
    startShipped();
    for (String path : List.of("/openapi.json", "/openapi.yaml")) {
      HttpResponse<String> r = get(path, null);
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      io.swagger.v3.parser.core.models.ParseOptions options = new io.swagger.v3.parser.core.models.ParseOptions();
      options.setResolve(true);
      var parsed = new io.swagger.parser.OpenAPIParser().readContents(r.body(), null, options);
      assertThat(parsed.getMessages()).as(path).isEmpty();
      assertThat(parsed.getOpenAPI().getPaths())
          .containsKeys("/v1/events", "/v1/stats/summary", "/v1/stats/timeseries", "/v1/export");
      @SuppressWarnings("unchecked")
      java.util.Map<String, Object> export = (java.util.Map<String, Object>) parsed.getOpenAPI().getPaths()
          .get("/v1/export").getGet().getExtensions().get("x-monetize");
      assertThat(export).containsEntry("minimum_plan", "pro");
    }
  }

  @Test
  void unknownPathsAre404Problems() throws Exception {
    startShipped();
    HttpResponse<String> r = get("/v1/nothing-here", app.demoKeys().get("pro"));
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(problem(r).get("code").asText()).isEqualTo("not_found");
  }
}
