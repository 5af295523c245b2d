package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.config.CatalogLoader;
import dev.monetize.http.Header;
import dev.monetize.keys.IssuedKey;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Versions of one route chosen by the Api-Version header: priced and metered apart, the current one by default. */
class HeaderVersionsTest {
  private static final String PLANS = """
      plans:
        basic:
          rate: { count: 1000, burst: 1000 }
          quotas: [ { limit: 1000, window: day } ]
          scopes: ["*"]
          prices:
            report.v1: { amount: "0.001", currency: USD, unit: call }
            report.v2: { amount: "0.002", currency: USD, unit: call }
      operations:
        - { id: report.v1, method: GET, path: "/reports/{id}", version: "2025-01", version_from: header,
            lifecycle: { deprecated: 2026-06-01, sunset: 2027-06-30, successor: report.v2 } }
        - { id: report.v2, method: GET, path: "/reports/{id}", version: "2026-06", version_from: header }
      """;

  /**
   * A restriction added to the new version only leaves the route open through the old one: the
   * catalog says so (the engine logs it), naming the plans; versions that agree say nothing.
   */
  @Test
  void anOldVersionThatAdmitsPlansItsReplacementRefusesIsReported() {
    String twoPlans = PLANS.replace("operations:", "  pro:\n    rank: 10\n    rate: { count: 1000, burst: 1000 }\n"
        + "    quotas: [ { limit: 1000, window: day } ]\n    scopes: [\"*\"]\noperations:");
    String current = "version: \"2026-06\", version_from: header }";
    String currentForPro = "version: \"2026-06\", version_from: header, minimum_plan: pro }";
    assertThat(CatalogLoader.parse("plans.yaml", twoPlans).warnings()).isEmpty();
    Catalog narrowed = CatalogLoader.parse("plans.yaml", twoPlans.replace(current, currentForPro));
    assertThat(narrowed.warnings()).singleElement().asString().contains("'report.v1'", "'report.v2'", "[basic]",
        "GET /reports/{id}");
    String bothForPro = twoPlans.replace(current, currentForPro).replace("version_from: header,\n",
        "version_from: header, minimum_plan: pro,\n");
    assertThat(bothForPro).isNotEqualTo(twoPlans.replace(current, currentForPro));
    assertThat(CatalogLoader.parse("plans.yaml", bothForPro).warnings()).isEmpty();
    // without a successor named: the current version of the same route is what replaces it
    String noSuccessor = twoPlans.replace(current, currentForPro).replace(", successor: report.v2", "");
    assertThat(noSuccessor).doesNotContain("successor");
    assertThat(CatalogLoader.parse("plans.yaml", noSuccessor).warnings()).singleElement().asString()
        .contains("'report.v2'", "[basic]");
  }

  @Test
  void theHeaderChoosesTheVersionAndWithoutItTheCurrentOneAnswers() throws Exception {
    Catalog catalog = CatalogLoader.parse("plans.yaml", PLANS);
    try (Monetize m = Monetize.builder().catalog(catalog).build()) {
      assertThat(m.route("GET", "/reports/7", null).map(Operation::id)).contains("report.v2");
      assertThat(m.route("GET", "/reports/7", "2025-01").map(Operation::id)).contains("report.v1");
      assertThat(m.route("GET", "/reports/7", "2026-06").map(Operation::id)).contains("report.v2");
      assertThat(m.route("GET", "/reports/7", "1999-01")).isEmpty();
      assertThat(m.versionsOn("GET", "/reports/7")).containsExactly("2025-01", "2026-06");
      assertThat(m.versionsOn("GET", "/other")).isEmpty();

      m.customers().save(Customer.of("acme", "basic"));
      IssuedKey key = m.keys().issue("acme", Set.of("*"));
      Admission old = m.admit(m.route("GET", "/reports/7", "2025-01").orElseThrow(), ApiRequest.of("GET", "/reports/7",
          "203.0.113.9", "r", "Bearer " + key.secret(), null));
      assertThat(old.responseHeaders()).extracting(Header::name).contains("Api-Version", "Deprecation", "Sunset");
      assertThat(old.responseHeaders()).contains(new Header("Api-Version", "2025-01"));
      old.complete(200, 0);

      JsonNode doc = new ObjectMapper().readTree(m.openApiJson());
      JsonNode op = doc.at("/paths/~1reports~1{id}/get");
      assertThat(op.get("operationId").asText()).isEqualTo("report_v2");
      assertThat(op.get("parameters").findValuesAsText("name")).contains("Api-Version");
      assertThat(doc.get("x-monetize-versions").findValuesAsText("version")).containsExactly("2025-01", "2026-06");
    }
  }

  /** Past its sunset a header version is 410, and its detail says which Api-Version to send instead. */
  @Test
  void aSunsetHeaderVersionNamesTheApiVersionOfItsSuccessor() {
    ManualTimeSource time = ManualTimeSource.at(java.time.Instant.parse("2027-07-01T00:00:00Z"));
    try (Monetize m = Monetize.builder().catalog(CatalogLoader.parse("plans.yaml", PLANS)).timeSource(time).build()) {
      Admission gone = m.admit(m.route("GET", "/reports/7", "2025-01").orElseThrow(), ApiRequest.of("GET", "/reports/7",
          "203.0.113.9", "r", null, null));
      assertThat(gone.decision().error()).contains(dev.monetize.errors.ErrorCode.VERSION_SUNSET);
      assertThat(gone.decision().detail()).contains("Use its successor: send Api-Version: 2026-06 (report.v2).");
      gone.complete(410, 0);
    }
  }

  @Test
  void twoOperationsOnOneRouteNeedHeaderVersionsThatDiffer() {
    assertThatThrownBy(() -> Monetize.builder().catalog(CatalogLoader.parse("plans.yaml",
        PLANS.replace("version: \"2026-06\", version_from: header", "version: \"2026-06\""))).build())
        .hasMessageContaining("both match GET /reports/{id}");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", PLANS.replace("version_from: header }", "version_from: query }")))
        .hasMessageContaining("version_from");
    // one route to the router, two to the warnings, OpenAPI and the sunset's hint: refused
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", PLANS.replace(
        "path: \"/reports/{id}\", version: \"2026-06\"", "path: \"/reports/{reportId}\", version: \"2026-06\"")))
        .hasMessageContaining("name its path variables differently (/reports/{id}, /reports/{reportId})");
  }
}
