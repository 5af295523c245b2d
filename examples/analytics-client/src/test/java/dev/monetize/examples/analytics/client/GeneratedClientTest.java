package dev.monetize.examples.analytics.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.monetize.config.CatalogLoader;
import dev.monetize.examples.analytics.AnalyticsServer;
import dev.monetize.examples.analytics.client.generated.model.Summary;
import dev.monetize.plans.Catalog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The generated client against the running example: a 200, and refusals as typed problems. */
class GeneratedClientTest {
  @Test
  void theCheckedInDocumentIsWhatTheExampleServes() throws Exception {
    try (AnalyticsServer app = AnalyticsServer.builder().port(0).start()) {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + app.port() + "/openapi.json")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.body()).as("src/main/openapi/analytics.json is stale: copy the example's /openapi.json")
          .isEqualTo(Files.readString(Path.of("src/main/openapi/analytics.json"), StandardCharsets.UTF_8));
    }
  }

  @Test
  void aCallSucceedsAndA429IsATypedProblemWithItsRetryAfter() throws Exception {
    Catalog.Builder b = Catalog.builder();
    CatalogLoader.parse("small.yaml", """
        plans:
          free:
            rank: 0
            rate: { count: 1000, period: 1s, burst: 1000 }
            quotas: [ { limit: 3, window: day } ]
            scopes: ["events:write", "stats:read"]
          pro:
            rank: 10
            rate: { count: 1000, period: 1s, burst: 1000 }
            quotas: [ { limit: 1000, window: day } ]
        """).plans().forEach(b::plan);
    AnalyticsServer.defaultCatalog().operations().forEach(b::operation);
    try (AnalyticsServer app = AnalyticsServer.builder().port(0).catalog(b.build()).start()) {
      AnalyticsClient client = new AnalyticsClient("http://127.0.0.1:" + app.port(), app.demoKeys().get("free"));
      usesTheClientAsTheDocsShow(client);
      for (int i = 0; i < 2; i++) {
        assertThat(client.summary()).isNotNull(); // the generated model
        assertThat(client.lastUsage()).hasValueSatisfying(u -> assertThat(u.remaining()).isGreaterThanOrEqualTo(0));
      }
      assertThatThrownBy(client::summary).isInstanceOfSatisfying(AnalyticsClient.ApiProblem.class, p -> {
        assertThat(p.status()).isEqualTo(429);
        assertThat(p.code()).isEqualTo("quota_exhausted");
        assertThat(p.retryAfter()).hasValueSatisfying(s -> assertThat(s).isPositive());
        assertThat(p.problem().path("violated_policies").toString()).contains("daily");
        assertThat(p.requestId()).isPresent();
      });
      assertThatThrownBy(client::export).isInstanceOfSatisfying(AnalyticsClient.ApiProblem.class, p -> {
        assertThat(p.status()).isEqualTo(403);
        assertThat(p.code()).isEqualTo("plan_denied");
      });
      AnalyticsClient nobody = new AnalyticsClient("http://127.0.0.1:" + app.port(), "mk_test_wrong");
      assertThatThrownBy(nobody::summary).isInstanceOfSatisfying(AnalyticsClient.ApiProblem.class,
          p -> assertThat(p.code()).isEqualTo("key_invalid"));
    }
  }

  /** The use docs/sdks.md shows (a region of this source), run against the example. */
  private static void usesTheClientAsTheDocsShow(AnalyticsClient client) {
    // tag::java-client[]
    try {
      Summary summary = client.summary();            // the generated model
      System.out.println(summary);
    } catch (AnalyticsClient.ApiProblem e) {
      System.out.println(e.code() + " " + e.retryAfter());
    }
    client.lastUsage().ifPresent(u -> System.out.println(u.remaining()));
    // end::java-client[]
  }

  /**
   * Against a stub that answers as a newer service might: a 429 with a code this client does not
   * know keeps its code and Retry-After and is retried after it; one without Retry-After is not
   * retried; the RateLimit header's tightest member is the usage.
   */
  @Test
  void a429OfAnUnknownCodeIsRetriedAfterItsWaitAndKeepsItsCode() throws Exception {
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    com.sun.net.httpserver.HttpServer stub = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    stub.createContext("/", exchange -> {
      calls.incrementAndGet();
      boolean waits = !exchange.getRequestURI().getPath().contains("timeseries");
      byte[] body = ("{\"type\":\"https://monetize.dev/errors#brand_new_code\",\"status\":429,"
          + "\"code\":\"brand_new_code\",\"detail\":\"slow down\",\"request_id\":\"r-1\""
          + (waits ? ",\"retry_after\":3" : "") + "}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
      exchange.getResponseHeaders().add("RateLimit", "\"rate\";r=4;t=1, \"daily\";r=0;t=80000");
      if (waits) {
        exchange.getResponseHeaders().add("Retry-After", "3");
      }
      exchange.sendResponseHeaders(429, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    stub.start();
    try {
      java.util.List<Long> waited = new java.util.ArrayList<>();
      AnalyticsClient client = new AnalyticsClient("http://127.0.0.1:" + stub.getAddress().getPort(), "mk_test_x", 2,
          10, waited::add);
      assertThatThrownBy(client::summary).isInstanceOfSatisfying(AnalyticsClient.ApiProblem.class, p -> {
        assertThat(p.code()).isEqualTo("brand_new_code");
        assertThat(p.retryAfter()).contains(3L);
        assertThat(p.requestId()).contains("r-1");
      });
      assertThat(waited).containsExactly(3L, 3L); // two retries, each after its Retry-After
      assertThat(calls.get()).isEqualTo(3);
      assertThat(client.lastUsage()).hasValueSatisfying(u -> {
        assertThat(u.policy()).isEqualTo("daily"); // the tightest member, not a mix of two
        assertThat(u.remaining()).isZero();
        assertThat(u.resetSeconds()).isEqualTo(80_000);
      });
      waited.clear();
      assertThatThrownBy(client::timeseries).isInstanceOf(AnalyticsClient.ApiProblem.class);
      assertThat(waited).isEmpty(); // no Retry-After: nothing to wait for, raised at once
      assertThat(AnalyticsClient.retryAfter(java.util.Optional.of("Wed, 21 Oct 2015 07:28:00 GMT"))).contains(0L);
      assertThat(AnalyticsClient.retryAfter(java.util.Optional.of(""))).isEmpty();
    } finally {
      stub.stop(0);
    }
  }
}
