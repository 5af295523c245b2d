package dev.monetize.examples.analytics;

import dev.monetize.testkit.Concurrently;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.Monetize;
import dev.monetize.TimeSource;
import dev.monetize.examples.analytics.domain.EventStore;
import dev.monetize.config.CatalogLoader;
import dev.monetize.metering.InMemoryUsageSink;
import dev.monetize.metering.UsageSink;
import dev.monetize.plans.Catalog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.greenbytes.http.sfv.ListElement;
import org.greenbytes.http.sfv.OuterList;
import org.greenbytes.http.sfv.Parser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every variant of the example shares, over real HTTP: the servlet example on Jetty,
 * the JAX-RS example on Jersey and on RESTEasy each extend this class, so refusals, headers,
 * problem bodies and usage are proved the same everywhere.
 */
public abstract class AnalyticsBehaviourContract {
  /** Plans only; each variant adds its operations (the plans file's, or the annotated resources'). */
  protected static final String SMALL_PLANS = """
      plans:
        free:
          rank: 0
          rate: { count: 100000, period: 1s, burst: 100000 }
          quotas: [ { limit: 5, window: day } ]
          scopes: ["events:write", "stats:read"]
        pro:
          rank: 10
          rate: { count: 100000, period: 1s, burst: 100000 }
          quotas: [ { limit: 1000, window: day } ]
          scopes: ["*"]
      """;

  /** A running variant. */
  protected interface Service extends AutoCloseable {
    /** {@code http://127.0.0.1:<port>}. */
    String base();

    /** Demo secrets by plan. */
    Map<String, String> demoKeys();

    /** The engine. */
    Monetize monetize();

    @Override
    void close();

    /** A service from its parts. */
    static Service of(String base, Map<String, String> demoKeys, Monetize monetize, Runnable stop) {
      return new Service() {
        @Override
        public String base() {
          return base;
        }

        @Override
        public Map<String, String> demoKeys() {
          return demoKeys;
        }

        @Override
        public Monetize monetize() {
          return monetize;
        }

        @Override
        public void close() {
          stop.run();
        }
      };
    }
  }

  /** Starts the variant on a free port with these plans, usage sink, engine clock and event store. */
  protected abstract Service start(Catalog plans, UsageSink usage, TimeSource time, EventStore store) throws Exception;

  /** The system clock, moved on at will: the engine's idea of now (cache ages, quota windows). */
  protected static final class ShiftedClock implements TimeSource {
    private final TimeSource system = TimeSource.system();
    private volatile long shift;

    @Override
    public long epochNanos() {
      return system.epochNanos() + shift;
    }

    void advance(Duration by) {
      shift += by.toNanos();
    }
  }

  private final ShiftedClock clock = new ShiftedClock();
  private final EventStore store = EventStore.inMemory();

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final ObjectMapper json = new ObjectMapper();
  protected final InMemoryUsageSink usage = UsageSink.inMemory();
  private Service service;

  private Service service() throws Exception {
    if (service == null) {
      service = start(CatalogLoader.parse("small.yaml", SMALL_PLANS), usage, clock, store);
    }
    return service;
  }

  @AfterEach
  void stopService() {
    if (service != null) {
      service.close();
    }
  }

  private HttpResponse<String> send(String method, String path, String key, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(service().base() + path)).timeout(Duration.ofSeconds(30));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode problem(HttpResponse<String> r, int status, String code) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    JsonNode n = json.readTree(r.body());
    assertThat(n.get("code").asText()).isEqualTo(code);
    assertThat(n.get("status").asInt()).isEqualTo(status);
    assertThat(n.get("type").asText()).isEqualTo("https://monetize.dev/errors#" + code);
    assertThat(n.get("hint").asText()).isNotBlank();
    assertThat(n.get("request_id").asText()).isEqualTo(r.headers().firstValue("X-Request-Id").orElseThrow());
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("at dev.");
    return n;
  }

  private String key(String plan) throws Exception {
    return service().demoKeys().get(plan);
  }

  private void awaitIdle() throws Exception {
    Monetize m = service().monetize();
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> m.metrics().inFlight() == 0);
  }

  @Test
  void theDeprecatedV0AnswersAsV1WithItsDeprecationSunsetAndGuide() throws Exception {
    HttpResponse<String> v1 = send("GET", "/v1/stats/summary", key("pro"), null);
    HttpResponse<String> v0 = send("GET", "/v0/stats/summary", key("pro"), null);
    assertThat(v0.statusCode()).isEqualTo(200);
    assertThat(v0.body()).isEqualTo(v1.body());
    assertThat(v0.headers().firstValue("Deprecation")).contains("@1780272000"); // 2026-06-01
    assertThat(v0.headers().firstValue("Sunset")).contains("Wed, 30 Jun 2027 00:00:00 GMT");
    assertThat(v0.headers().firstValue("Link"))
        .contains("<https://github.com/monetize-dev/monetize/blob/main/docs/migrations/v0-to-v1.md>; rel=\"deprecation\"");
    assertThat(v1.headers().firstValue("Deprecation")).isEmpty();
  }

  @Test
  void missingAndMalformedKeysAre401() throws Exception {
    HttpResponse<String> missing = send("GET", "/v1/stats/summary", null, null);
    problem(missing, 401, "key_missing");
    assertThat(missing.headers().firstValue("WWW-Authenticate")).isPresent();
    problem(send("GET", "/v1/stats/summary", "mk_test_0000000000000000000000000000", null), 401, "key_invalid");
    // a problem's detail may quote the request: no browser reads one as anything but JSON
    assertThat(missing.headers().allValues("X-Content-Type-Options")).containsExactly("nosniff");
    HttpResponse<String> noRoute = send("GET", "/v1/%3Cscript%3E", key("pro"), null);
    assertThat(noRoute.statusCode()).isEqualTo(404);
    assertThat(noRoute.headers().allValues("X-Content-Type-Options")).containsExactly("nosniff");
  }

  @Test
  void aFreeKeyOnExportIs403PlanDenied() throws Exception {
    JsonNode p = problem(send("GET", "/v1/export", key("free"), null), 403, "plan_denied");
    assertThat(p.get("hint").asText()).contains("'pro'");
  }

  @Test
  void headersParseAndTheirRemainingIsWhatTheServerThenAdmits() throws Exception {
    HttpResponse<String> r = send("GET", "/v1/stats/summary", key("free"), null);
    assertThat(r.statusCode()).isEqualTo(200);
    OuterList policy = Parser.parseList(r.headers().firstValue("RateLimit-Policy").orElseThrow());
    assertThat(policy.get().stream().map(e -> (Object) e.get()).toList()).containsExactly("rate", "daily");
    OuterList state = Parser.parseList(r.headers().firstValue("RateLimit").orElseThrow());
    ListElement<?> daily = state.get().get(0);
    assertThat(daily.get()).isEqualTo("daily");
    long remaining = (Long) daily.getParams().get("r").get();
    assertThat(remaining).isEqualTo(4);
    for (long i = 0; i < remaining; i++) {
      assertThat(send("GET", "/v1/stats/summary", key("free"), null).statusCode()).isEqualTo(200);
    }
    HttpResponse<String> over = send("GET", "/v1/stats/summary", key("free"), null);
    JsonNode p = problem(over, 429, "quota_exhausted");
    assertThat(Long.parseLong(over.headers().firstValue("Retry-After").orElseThrow())).isPositive();
    assertThat(p.get("violated_policies").toString()).contains("daily");
  }

  @Test
  void usageEqualsThe2xxAnswersUnderEightClients() throws Exception {
    String pro = key("pro");
    int ok = Concurrently.call(8, thread -> {
      int answered = 0;
      for (int i = 0; i < 25; i++) {
        HttpResponse<String> r = (thread + i) % 2 == 0
            ? send("POST", "/v1/events", pro, "[{\"type\":\"click\",\"timestamp\":\"2026-05-05T09:00:00Z\"}]")
            : send("GET", "/v1/stats/summary", pro, null);
        if (r.statusCode() / 100 == 2) {
          answered++;
        }
      }
      return answered;
    }).stream().mapToInt(Integer::intValue).sum();
    awaitIdle();
    service().monetize().flushUsage();
    assertThat(ok).isEqualTo(200);
    assertThat(usage.successfulCalls("demo-pro")).isEqualTo(ok);
  }

  @Test
  void badInputIsA400ProblemNamingTheField() throws Exception {
    for (String body : List.of("not json", "{}", "[{\"type\": 5}]", "[{\"type\":\"a\",\"timestamp\":\"yesterday\"}]")) {
      problem(send("POST", "/v1/events", key("pro"), body), 400, "bad_request");
    }
    problem(send("GET", "/v1/stats/timeseries?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", key("pro"), null),
        400, "bad_request");
    // instants whose milliseconds overflow were a 500 (an attack on the Spring example)
    JsonNode far = problem(send("GET", "/v1/stats/timeseries?from=%2B999999999-12-30T00:00:00Z"
        + "&to=%2B999999999-12-31T23:59:59Z&interval=day", key("pro"), null), 400, "bad_request");
    assertThat(far.get("detail").asText()).contains("1970 to 9999");
    // a parameter given twice is refused in every example alike (one framework kept the first, another joined them)
    JsonNode twice = problem(send("GET", "/v1/stats/timeseries?from=2026-01-01T00:00:00Z&from=2026-01-02T00:00:00Z",
        key("pro"), null), 400, "bad_request");
    assertThat(twice.get("detail").asText()).isEqualTo("Query parameter 'from' is given twice.");
    assertThat(json.readTree(send("GET", "/v1/stats/timeseries?interval=day", key("pro"), null).body())
        .get("interval").asText()).isEqualTo("day");
  }

  @Test
  void tenantsNeverSeeEachOthersEvents() throws Exception {
    assertThat(send("POST", "/v1/events", key("pro"), "[{\"type\":\"secret\",\"user_id\":\"u1\"}]").statusCode())
        .isEqualTo(202);
    JsonNode free = json.readTree(send("GET", "/v1/stats/summary", key("free"), null).body());
    assertThat(free.get("events").asInt()).isZero();
    JsonNode pro = json.readTree(send("GET", "/v1/stats/summary", key("pro"), null).body());
    assertThat(pro.get("events").asInt()).isEqualTo(1);
  }

  /** Every adapter: the summary comes from the cache (per tenant) until the tenant ingests events. */
  @Test
  void theSummaryIsServedFromTheCacheUntilTheTenantIngests() throws Exception {
    HttpResponse<String> first = send("GET", "/v1/stats/summary", key("pro"), null);
    assertThat(first.headers().firstValue("Cache-Status")).contains("monetize; fwd=miss; stored");
    String etag = first.headers().firstValue("ETag").orElseThrow();
    HttpResponse<String> hit = send("GET", "/v1/stats/summary", key("pro"), null);
    assertThat(hit.headers().firstValue("Cache-Status")).contains("monetize; hit");
    assertThat(hit.headers().firstValue("ETag")).contains(etag);
    assertThat(hit.headers().firstValue("Cache-Control")).hasValueSatisfying(v -> assertThat(v).startsWith("private, max-age="));
    assertThat(hit.body()).isEqualTo(first.body());
    HttpResponse<String> notModified = http.send(HttpRequest.newBuilder(URI.create(service().base() + "/v1/stats/summary"))
        .header("Authorization", "Bearer " + key("pro")).header("If-None-Match", etag).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(notModified.statusCode()).isEqualTo(304);
    assertThat(notModified.body()).isEmpty();
    // RFC 9110 8.6: a 304 sends no Content-Length, or the 200's
    assertThat(notModified.headers().allValues("Content-Length")).isSubsetOf(
        Integer.toString(first.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
    assertThat(send("GET", "/v1/stats/summary", key("free"), null).headers().firstValue("Cache-Status"))
        .contains("monetize; fwd=miss; stored"); // another tenant: its own entry
    assertThat(send("POST", "/v1/events", key("pro"), "[{\"type\":\"click\"}]").statusCode()).isEqualTo(202);
    HttpResponse<String> fresh = send("GET", "/v1/stats/summary", key("pro"), null);
    assertThat(fresh.headers().firstValue("Cache-Status")).contains("monetize; fwd=miss; stored");
    assertThat(json.readTree(fresh.body()).get("events").asInt()).isEqualTo(1);
    awaitIdle();
    service().monetize().flushUsage();
    assertThat(usage.records().stream().mapToLong(r -> r.units().getOrDefault("cache_hits", 0L)).sum())
        .isEqualTo(2); // the hit and the 304
    JsonNode report = json.readTree(send("GET", "/monetize/usage", key("pro"), null).body()).get("usage");
    assertThat(report.get("cache_hits").asLong()).isEqualTo(2); // the customer sees its hits beside its calls
    assertThat(report.at("/units_by_operation/stats.summary/cache_hits").asLong()).isEqualTo(2);
    assertThat(report.at("/units_by_operation/stats.summary/calls").asLong()).isEqualTo(4); // miss, hit, 304, miss
  }

  /** Every adapter: past its freshness, the summary is served stale while one request refreshes it. */
  @Test
  void aStaleSummaryIsServedWhileOneRequestRefreshesIt() throws Exception {
    HttpResponse<String> first = send("GET", "/v1/stats/summary", key("pro"), null);
    assertThat(first.headers().firstValue("Cache-Status")).contains("monetize; fwd=miss; stored");
    clock.advance(Duration.ofSeconds(70)); // 10 s past the 60 s ttl, inside the 30 s stale-while-revalidate window
    HttpResponse<String> stale = send("GET", "/v1/stats/summary", key("pro"), null);
    assertThat(stale.statusCode()).isEqualTo(200);
    assertThat(stale.body()).isEqualTo(first.body());
    // a servlet answers first and refreshes after; JAX-RS refreshes in line for this one request
    assertThat(stale.headers().firstValue("Cache-Status").orElseThrow())
        .isIn("monetize; fwd=stale; ttl=-10", "monetize; fwd=stale; stored");
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      HttpResponse<String> refreshed = send("GET", "/v1/stats/summary", key("pro"), null);
      assertThat(refreshed.headers().firstValue("Cache-Status")).contains("monetize; hit");
      assertThat(Long.parseLong(refreshed.headers().firstValue("Age").orElseThrow())).isLessThan(60);
    });
  }

  /** Every adapter: when the store fails, the stale summary stands in, and says so. */
  @Test
  void aStaleSummaryStandsInForAFailingStore() throws Exception {
    HttpResponse<String> first = send("GET", "/v1/stats/summary", key("pro"), null);
    assertThat(first.headers().firstValue("Cache-Status")).contains("monetize; fwd=miss; stored");
    store.suspendReads();
    clock.advance(Duration.ofSeconds(100)); // past the ttl and stale-while-revalidate, inside stale-if-error
    HttpResponse<String> stale = send("GET", "/v1/stats/summary", key("pro"), null);
    assertThat(stale.statusCode()).as(stale.body()).isEqualTo(200);
    assertThat(stale.body()).isEqualTo(first.body());
    assertThat(stale.headers().firstValue("Cache-Status").orElseThrow())
        .startsWith("monetize; fwd=stale; fwd-status=503; ttl=-");
    assertThat(stale.headers().firstValue("ETag")).isEqualTo(first.headers().firstValue("ETag"));
    // nothing cached for this tenant: the outage itself, as an outage (retry later), never a 500
    HttpResponse<String> down = send("GET", "/v1/stats/summary", key("free"), null);
    JsonNode outage = problem(down, 503, "store_unavailable");
    assertThat(down.headers().firstValue("Retry-After")).contains("5");
    assertThat(outage.get("retry_after").asInt()).isEqualTo(5);
    assertThat(outage.get("detail").asText()).isEqualTo("The event store is offline for maintenance.");
    assertThat(down.headers().firstValue("Cache-Status").orElse("")).doesNotContain("stored");
    store.resume();
    HttpResponse<String> fresh = send("GET", "/v1/stats/summary", key("pro"), null);
    assertThat(fresh.headers().firstValue("Cache-Status")).contains("monetize; fwd=miss; stored");
    awaitIdle();
    service().monetize().flushUsage();
    assertThat(usage.records().stream().mapToLong(r -> r.units().getOrDefault("cache_hits", 0L)).sum()).isEqualTo(1);
    assertThat(service().monetize().cache().statistics().get("stats.summary").staleServes()).isEqualTo(1);
  }

  /** Every adapter: a large answer travels compressed to a client that takes gzip, metered as sent. */
  @Test
  void largeAnswersTravelCompressedAndAreMeteredAsSent() throws Exception {
    String events = "[" + String.join(",", java.util.Collections.nCopies(40,
        "{\"type\":\"page_view\",\"user_id\":\"u-1\",\"properties\":{\"path\":\"/pricing\"}}")) + "]";
    assertThat(send("POST", "/v1/events", key("pro"), events).statusCode()).isEqualTo(202);
    HttpResponse<String> plain = send("GET", "/v1/export", key("pro"), null);
    assertThat(plain.statusCode()).isEqualTo(200);
    assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
    assertThat(plain.body().length()).isGreaterThan(1024);
    HttpResponse<byte[]> zipped = http.send(HttpRequest.newBuilder(URI.create(service().base() + "/v1/export"))
        .header("Authorization", "Bearer " + key("pro")).header("Accept-Encoding", "gzip").build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(zipped.statusCode()).isEqualTo(200);
    assertThat(zipped.headers().firstValue("Content-Encoding")).contains("gzip");
    assertThat(zipped.headers().firstValue("Vary").orElse("")).contains("Accept-Encoding");
    byte[] body;
    try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(zipped.body()))) {
      body = in.readAllBytes();
    }
    assertThat(new String(body, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(plain.body());
    assertThat(zipped.body().length).isLessThan(plain.body().length() / 4);
    // a small answer is not worth it
    HttpResponse<String> small = http.send(HttpRequest.newBuilder(URI.create(service().base() + "/v1/stats/summary"))
        .header("Authorization", "Bearer " + key("pro")).header("Accept-Encoding", "gzip").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(small.headers().firstValue("Content-Encoding")).isEmpty();
    awaitIdle();
    service().monetize().flushUsage();
    assertThat(usage.records().stream().filter(r -> r.operationId().equals("export")).mapToLong(r -> r.bytesOut()).sum())
        .isEqualTo((long) zipped.body().length + plain.body().length()); // bytes on the wire
  }

  @Test
  void theOpenApiDocumentIsValidAndListsTheEndpoints() throws Exception {
    HttpResponse<String> r = send("GET", "/openapi.json", null, null);
    assertThat(r.statusCode()).isEqualTo(200);
    io.swagger.v3.parser.core.models.ParseOptions options = new io.swagger.v3.parser.core.models.ParseOptions();
    options.setResolve(true);
    var parsed = new io.swagger.parser.OpenAPIParser().readContents(r.body(), null, options);
    assertThat(parsed.getMessages()).isEmpty();
    assertThat(parsed.getOpenAPI().getPaths())
        .containsKeys("/v1/events", "/v1/stats/summary", "/v1/stats/timeseries", "/v1/export");
  }
}
