package dev.monetize.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.monetize.Monetized;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Request and response bodies from the code's types: schemas named as the mapper writes them, still valid 3.1. */
class ApiSchemasTest {
  /** An answer type with a nested type, an optional and a map. */
  record Report(long totalCalls, Optional<Instant> lastCall, Map<String, Long> byOperation, List<Line> lines) {}

  /** A nested type. */
  record Line(String operationId, long calls) {}

  /** A request body. */
  record NewReport(String title, boolean includeLines) {}

  /** Handlers as JAX-RS or Spring would have them. */
  static final class Handlers {
    public Report byReturnType() {
      return null;
    }

    @Monetized(response = Report.class, request = NewReport.class)
    public byte[] declared() {
      return new byte[0];
    }

    public byte[] bytes() {
      return new byte[0];
    }
  }

  private static Catalog catalog() {
    return Catalog.builder()
        .plan(Plan.builder("free").rate(Rate.perSecond(10)).quota(Quota.daily(100)).build())
        .operation(Operation.builder("reports.get", "GET", "/v1/reports").scope("reports:read").build())
        .operation(Operation.builder("reports.create", "POST", "/v1/reports").scope("reports:write").build())
        .operation(Operation.builder("export", "GET", "/v1/export").scope("reports:read").build())
        .build();
  }

  private static final ObjectMapper SNAKE = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();

  @Test
  void declaredTypesBecomeSchemasWithTheMappersNamesAndTheDocumentStaysValid() throws Exception {
    ApiSchemas schemas = ApiSchemas.builder(SNAKE)
        .response("reports.get", Report.class)
        .request("reports.create", NewReport.class)
        .response("reports.create", new TypeReference<List<Report>>() { }.getType())
        .example("reports.get", Map.of("total_calls", 3, "by_operation", Map.of("export", 3)))
        .build();
    String json = OpenApi.of(catalog()).schemas(schemas).json();
    JsonNode doc = new ObjectMapper().readTree(json);

    JsonNode report = doc.at("/components/schemas/Report");
    assertThat(report.path("type").asText()).isEqualTo("object");
    assertThat(report.path("properties").fieldNames()).toIterable()
        .containsExactlyInAnyOrder("total_calls", "last_call", "by_operation", "lines");
    assertThat(report.at("/properties/last_call/format").asText()).isEqualTo("date-time");
    assertThat(report.at("/properties/lines/items/$ref").asText()).isEqualTo("#/components/schemas/Line");
    assertThat(doc.at("/components/schemas/Line/properties/operation_id/type").asText()).isEqualTo("string");
    assertThat(doc.at("/components/schemas/Problem/properties/code/enum")).isNotEmpty(); // ours is kept

    JsonNode get = doc.at("/paths/~1v1~1reports/get/responses/200/content/application~1json");
    assertThat(get.at("/schema/$ref").asText()).isEqualTo("#/components/schemas/Report");
    assertThat(get.at("/example/total_calls").asLong()).isEqualTo(3);
    JsonNode post = doc.at("/paths/~1v1~1reports/post");
    assertThat(post.at("/requestBody/content/application~1json/schema/$ref").asText())
        .isEqualTo("#/components/schemas/NewReport");
    assertThat(post.at("/responses/200/content/application~1json/schema/type").asText()).isEqualTo("array");
    assertThat(doc.at("/paths/~1v1~1export/get/responses/200/content").isMissingNode()).isTrue();

    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult parsed = new OpenAPIParser().readContents(json, null, options);
    assertThat(parsed.getMessages()).as("parser messages").isEmpty();
    assertThat(parsed.getOpenAPI().getComponents().getSchemas()).containsKeys("Report", "Line", "NewReport", "Problem");
  }

  @Test
  void handlersDeclareByAnnotationOrByReturnType() throws Exception {
    ApiSchemas schemas = ApiSchemas.builder(SNAKE)
        .handler("a", Handlers.class.getMethod("byReturnType"))
        .handler("b", Handlers.class.getMethod("declared"))
        .handler("c", Handlers.class.getMethod("bytes"))
        .build();
    assertThat(schemas.response("a")).contains(Report.class);
    assertThat(schemas.response("b")).contains(Report.class);
    assertThat(schemas.request("b")).contains(NewReport.class);
    assertThat(schemas.response("c")).isEmpty(); // bytes say nothing about their shape
    assertThat(ApiSchemas.none().isEmpty()).isTrue();
  }
}
