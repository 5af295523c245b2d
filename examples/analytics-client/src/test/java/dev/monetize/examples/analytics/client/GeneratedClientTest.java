package dev.monetize.examples.analytics.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.monetize.config.CatalogLoader;
import dev.monetize.examples.analytics.AnalyticsServer;
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
      for (int i = 0; i < 3; i++) {
        assertThat(client.summary()).isEqualTo(200);
      }
      assertThatThrownBy(client::summary).isInstanceOfSatisfying(AnalyticsClient.ApiProblem.class, p -> {
        assertThat(p.status()).isEqualTo(429);
        assertThat(p.code()).isEqualTo("quota_exhausted");
        assertThat(p.retryAfter()).hasValueSatisfying(s -> assertThat(s).isPositive());
        assertThat(p.problem().getViolatedPolicies()).contains("daily");
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
}
