package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.monetize.config.CatalogLoader;
import dev.monetize.http.Header;
import dev.monetize.keys.IssuedKey;
import dev.monetize.metering.InMemoryUsageSink;
import dev.monetize.metering.UsageSink;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Lifecycle;
import dev.monetize.plans.Operation;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A deprecated version announces its deprecation and sunset on every answer, then answers 410 naming its successor. */
class VersionLifecycleTest {
  private static final String PLANS = """
      plans:
        basic: { rate: { count: 1000, burst: 100 }, quotas: [ { limit: 1000, window: day } ], scopes: ["*"] }
      operations:
        - { id: summary, method: GET, path: /v1/summary, version: v1 }
        - id: summary.v0
          method: GET
          path: /v0/summary
          version: v0
          lifecycle: { deprecated: 2026-06-01, sunset: 2027-06-30, successor: summary, guide: "https://example.com/v0-to-v1" }
      """;

  private static Map<String, String> headers(Admission a) {
    return a.responseHeaders().stream().collect(Collectors.toMap(Header::name, Header::value, (x, y) -> x));
  }

  @Test
  void beforeTheSunsetItAnswersWithTheHeadersAfterItA410NamingTheSuccessorUnmetered() {
    ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-12-02T10:00:00Z"));
    InMemoryUsageSink usage = UsageSink.inMemory();
    Catalog catalog = CatalogLoader.parse("plans.yaml", PLANS);
    try (Monetize m = Monetize.builder().catalog(catalog).timeSource(time).usageSink(usage).build()) {
      m.customers().save(Customer.of("acme", "basic"));
      IssuedKey key = m.keys().issue("acme", Set.of("*"));
      Operation v0 = catalog.operation("summary.v0").orElseThrow();
      Admission before = m.admit(v0, ApiRequest.of("GET", "/v0/summary", "203.0.113.9", "r1", "Bearer " + key.secret(),
          null));
      assertThat(before.decision().admitted()).isTrue();
      assertThat(headers(before)).containsEntry("Deprecation", "@1780272000") // 2026-06-01T00:00:00Z
          .containsEntry("Sunset", "Wed, 30 Jun 2027 00:00:00 GMT")
          .containsEntry("Link", "<https://example.com/v0-to-v1>; rel=\"deprecation\"");
      before.complete(200, 10);
      Admission current = m.admit(catalog.operation("summary").orElseThrow(), ApiRequest.of("GET", "/v1/summary",
          "203.0.113.9", "r2", "Bearer " + key.secret(), null));
      assertThat(current.decision().admitted()).isTrue();
      assertThat(headers(current)).doesNotContainKeys("Deprecation", "Sunset", "Link");
      current.complete(200, 10);

      time.set(Instant.parse("2027-06-30T00:00:00Z"));
      Admission after = m.admit(v0, ApiRequest.of("GET", "/v0/summary", "203.0.113.9", "r3", null, null));
      assertThat(after.decision().status()).isEqualTo(410); // to anyone, before any credential
      assertThat(after.decision().error().orElseThrow().code()).isEqualTo("version_sunset");
      assertThat(after.decision().detail()).contains("retired on 2027-06-30T00:00:00Z")
          .contains("GET /v1/summary (summary)");
      assertThat(headers(after)).containsKey("Sunset");
      after.complete(410, 0);
      m.flushUsage();
      assertThat(usage.records()).as(usage.records().toString()).extracting(r -> r.operationId())
          .containsExactlyInAnyOrder("summary.v0", "summary"); // the 410 is not metered
    }
  }

  @Test
  void theOpenApiDocumentMarksDeprecatedOperationsAndListsEveryVersion() throws Exception {
    Catalog catalog = CatalogLoader.parse("plans.yaml", PLANS);
    com.fasterxml.jackson.databind.JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(dev.monetize.openapi.OpenApi.of(catalog).json());
    assertThat(doc.at("/paths/~1v0~1summary/get/deprecated").asBoolean()).isTrue();
    assertThat(doc.at("/paths/~1v1~1summary/get/deprecated").isMissingNode()).isTrue();
    assertThat(doc.get("x-monetize-versions")).hasSize(2);
    assertThat(doc.get("x-monetize-versions").findValuesAsText("successor")).containsExactly("summary");
  }

  @Test
  void aLifecycleThatContradictsItselfIsRefusedNamingTheField() {
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", PLANS.replace("sunset: 2027-06-30", "sunset: 2026-01-01")))
        .hasMessageContaining("operations[1].lifecycle").hasMessageContaining("before the deprecation");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", PLANS.replace("successor: summary", "successor: sumary")))
        .hasMessageContaining("successor 'sumary' is not another operation");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", PLANS.replace("deprecated: 2026-06-01", "deprecated: soon")))
        .hasMessageContaining("lifecycle.deprecated").hasMessageContaining("a date such as");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", PLANS.replace("deprecated: 2026-06-01, ", "")))
        .hasMessageContaining("lifecycle.deprecated: required");
    // a guide a client would read against each request's path
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", PLANS.replace("\"https://example.com/v0-to-v1\"",
        "docs/migrations/v0-to-v1.md"))).hasMessageContaining("operations[1].lifecycle")
        .hasMessageContaining("a path from the root of the API's site");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", PLANS.replace("\"https://example.com/v0-to-v1\"",
        "\"//evil.example/x\""))).hasMessageContaining("a path from the root of the API's site");
    assertThat(CatalogLoader.parse("plans.yaml", PLANS.replace("\"https://example.com/v0-to-v1\"", "/docs/v0-to-v1"))
        .operation("summary.v0").orElseThrow().lifecycle().orElseThrow().guide()).contains(java.net.URI.create("/docs/v0-to-v1"));
  }

  @Test
  void theSunsetIsAnImfFixdateWithATwoDigitDay() {
    // RFC 9110 5.6.7: day = 2DIGIT; RFC 1123's formatter writes "1 Jul"
    java.time.Instant first = java.time.Instant.parse("2027-07-01T00:00:00Z");
    assertThat(Versions.HTTP_DATE.format(first.atOffset(java.time.ZoneOffset.UTC))).isEqualTo("Thu, 01 Jul 2027 00:00:00 GMT");
    java.util.Map<String, String> headers = new java.util.HashMap<>();
    Operation op = Operation.builder("old", "GET", "/v0/x").version("v0")
        .lifecycle(Lifecycle.deprecated(java.time.Instant.parse("2027-01-01T00:00:00Z")).sunset(first)).build();
    Versions.headers(op, headers::put);
    assertThat(headers).containsEntry("Sunset", "Thu, 01 Jul 2027 00:00:00 GMT");
  }

  /** A sunset past year 9999 would make an HTTP-date of five digits of year: refused when declared. */
  @org.junit.jupiter.api.Test
  void aSunsetPastYear9999IsRefused() {
    dev.monetize.plans.Lifecycle l = dev.monetize.plans.Lifecycle.deprecated(java.time.Instant.parse("2026-01-01T00:00:00Z"));
    org.assertj.core.api.Assertions.assertThat(l.sunset(java.time.Instant.parse("9999-12-31T23:59:59Z")).sunsetAt())
        .isPresent();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> l.sunset(java.time.Instant.parse("+12026-01-01T00:00:00Z")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1970 to 9999");
  }
}
