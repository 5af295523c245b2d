package dev.monetize.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.Monetize;
import dev.monetize.config.CatalogLoader;
import dev.monetize.keys.IssuedKey;
import dev.monetize.plans.Customer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The servlet filter chooses a route's version by Api-Version, and refuses a version it does not offer. */
class HeaderVersionsFilterTest {
  private static final String PLANS = """
      plans:
        basic: { rate: { count: 1000, burst: 1000 }, quotas: [ { limit: 1000, window: day } ], scopes: ["*"] }
      operations:
        - { id: report.v1, method: GET, path: /reports, version: "2025-01", version_from: header }
        - { id: report.v2, method: GET, path: /reports, version: "2026-06", version_from: header }
      """;

  @Test
  void theHeaderChoosesAndAnUnknownVersionIs400() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    try (Monetize m = Monetize.builder().catalog(CatalogLoader.parse("plans.yaml", PLANS)).build();
        FilteredJetty jetty = FilteredJetty.start(new MonetizeFilter(m), Map.of("/reports", FilteredJetty.text("ok")))) {
      m.customers().save(Customer.of("acme", "basic"));
      IssuedKey key = m.keys().issue("acme", Set.of("*"));
      HttpResponse<String> current = http.send(HttpRequest.newBuilder(URI.create(jetty.base() + "/reports"))
          .header("Authorization", "Bearer " + key.secret()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(current.statusCode()).isEqualTo(200);
      assertThat(current.headers().firstValue("Api-Version")).contains("2026-06");
      HttpResponse<String> old = http.send(HttpRequest.newBuilder(URI.create(jetty.base() + "/reports"))
          .header("Authorization", "Bearer " + key.secret()).header("Api-Version", "2025-01").build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(old.headers().firstValue("Api-Version")).contains("2025-01");
      HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create(jetty.base() + "/reports"))
          .header("Authorization", "Bearer " + key.secret()).header("Api-Version", "<script>").build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(unknown.statusCode()).isEqualTo(400);
      assertThat(unknown.body()).contains("bad_request").contains("versions: [2025-01, 2026-06]")
          .doesNotContain("<script>").contains("Api-Version of 8 characters, not a version,");
      for (String[] sent : new String[][] {{"2025-01, 2026-06", "Send one Api-Version, not a list; GET /reports offers"},
          {"", "Api-Version is empty; send one of [2025-01, 2026-06]"},
          {"1999-01", "Api-Version '1999-01' is not offered on GET /reports"}}) {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(jetty.base() + "/reports"))
            .header("Authorization", "Bearer " + key.secret()).header("Api-Version", sent[0]).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(sent[0]).isEqualTo(400);
        assertThat(r.body()).as(sent[0]).contains(sent[1]);
      }
    }
  }
}
