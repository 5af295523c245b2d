package dev.monetize.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.config.CatalogLoader;
import dev.monetize.plans.Catalog;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The generated document is valid OpenAPI 3.1 (swagger-parser's reading) and says what the catalog enforces. */
class OpenApiTest {
  private static Catalog catalog() throws Exception {
    try (InputStream in = OpenApiTest.class.getResourceAsStream("/plans-valid.yaml")) {
      return CatalogLoader.parse("plans.yaml", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  private static SwaggerParseResult parse(String doc) {
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    return new OpenAPIParser().readContents(doc, null, options);
  }

  @Test
  void theDocumentIsValidOpenApi31InJsonAndYaml() throws Exception {
    OpenApi api = OpenApi.of(catalog()).title("Analytics").version("1.2.3").server("https://api.example.com");
    for (String doc : new String[] {api.json(), api.yaml()}) {
      SwaggerParseResult r = parse(doc);
      assertThat(r.getMessages()).as("parser messages").isEmpty();
      assertThat(r.getOpenAPI()).isNotNull();
      assertThat(r.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");
      assertThat(r.getOpenAPI().getPaths()).isNotEmpty();
    }
  }

  @Test
  void everyOperationSaysWhatTheCatalogEnforces() throws Exception {
    Catalog c = catalog();
    JsonNode doc = new ObjectMapper().readTree(OpenApi.of(c).json());
    JsonNode export = doc.at("/paths/~1v1~1export/get");
    assertThat(export.isMissingNode()).as(doc.get("paths").toString()).isFalse();
    assertThat(export.at("/x-monetize/minimum_plan").asText()).isEqualTo("pro");
    assertThat(export.at("/x-monetize/cost").asLong()).isEqualTo(10);
    assertThat(export.at("/x-monetize/plans/free/allowed").asBoolean()).isFalse();
    assertThat(export.at("/x-monetize/plans/pro/allowed").asBoolean()).isTrue();
    assertThat(export.at("/x-monetize/plans/pro/price/amount").asText()).isEqualTo("0.005");
    assertThat(export.at("/x-monetize/plans/pro/limits/rate/count").asLong()).isEqualTo(50);
    assertThat(export.at("/x-monetize/plans/pro/limits/quotas/1/name").asText()).isEqualTo("monthly");
    assertThat(export.at("/x-monetize/plans/free/limits").isMissingNode()).isTrue();
    assertThat(export.at("/security").toString()).contains("apiKey").contains("bearer");
    for (String status : new String[] {"401", "402", "403", "429", "503"}) {
      assertThat(export.at("/responses/" + status + "/$ref").asText()).startsWith("#/components/responses/");
    }
    assertThat(doc.at("/components/responses/TooManyRequests/headers/Retry-After/$ref").asText())
        .isEqualTo("#/components/headers/Retry-After");
    assertThat(doc.at("/components/schemas/Problem/properties/code/enum").toString()).contains("quota_exhausted");
    assertThat(doc.at("/x-monetize-plans/0/name").asText()).isEqualTo("free");
  }

  /** A rate's period is shown exactly: 1.5 s is not "per second", 0.5 s not "period_seconds: 1". */
  @Test
  void aPeriodOfPartSecondsIsShownExactly() throws Exception {
    Catalog c = Catalog.builder()
        .plan(dev.monetize.plans.Plan.builder("free").rate(dev.monetize.plans.Rate.of(5, java.time.Duration.ofMillis(1500)))
            .quota(dev.monetize.plans.Quota.daily(10)).build())
        .plan(dev.monetize.plans.Plan.builder("pro").rank(1).rate(dev.monetize.plans.Rate.of(5, java.time.Duration.ofMillis(500)))
            .quota(dev.monetize.plans.Quota.daily(10)).build())
        .plan(dev.monetize.plans.Plan.builder("max").rank(2).rate(dev.monetize.plans.Rate.of(5, java.time.Duration.ofSeconds(1)))
            .quota(dev.monetize.plans.Quota.daily(10)).build())
        .operation(dev.monetize.plans.Operation.builder("summary", "GET", "/v1/summary").build()).build();
    JsonNode doc = new ObjectMapper().readTree(OpenApi.of(c).json());
    assertThat(doc.at("/x-monetize-plans/0/rate/period_seconds").decimalValue()).isEqualByComparingTo("1.5");
    assertThat(doc.at("/x-monetize-plans/1/rate/period_seconds").decimalValue()).isEqualByComparingTo("0.5");
    assertThat(doc.at("/x-monetize-plans/2/rate/period_seconds").isIntegralNumber()).isTrue();
    String page = dev.monetize.docs.PricingPage.markdown(c, "API");
    assertThat(page).contains("5 per 1.5 seconds").contains("5 per 0.5 seconds").contains("5 per second");
  }

  @Test
  void pathVariablesBecomeRequiredParameters() throws Exception {
    Catalog c = Catalog.builder()
        .plan(dev.monetize.plans.Plan.builder("free").rate(dev.monetize.plans.Rate.perSecond(1))
            .quota(dev.monetize.plans.Quota.daily(10)).build())
        .operation(dev.monetize.plans.Operation.builder("report", "GET", "/v1/reports/{id}/rows/{row}").build())
        .build();
    String json = OpenApi.of(c).json();
    assertThat(parse(json).getMessages()).isEmpty();
    JsonNode op = new ObjectMapper().readTree(json).at("/paths/~1v1~1reports~1{id}~1rows~1{row}/get");
    assertThat(op.at("/parameters/0/name").asText()).isEqualTo("id");
    assertThat(op.at("/parameters/1/name").asText()).isEqualTo("row");
    assertThat(op.at("/parameters/1/required").asBoolean()).isTrue();
  }
}
