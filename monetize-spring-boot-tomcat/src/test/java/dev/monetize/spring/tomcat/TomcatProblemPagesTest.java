package dev.monetize.spring.tomcat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.Monetize;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The bodies of the problem valve, with and without an engine. */
class TomcatProblemPagesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aStatusWithACodeIsTheEnginesProblemAndOneWithoutIsAboutBlank() throws Exception {
    try (Monetize monetize = Monetize.builder().catalog(dev.monetize.plans.Catalog.builder()
        .plan(dev.monetize.plans.Plan.builder("basic").rate(dev.monetize.plans.Rate.perSecond(10)).quota(dev.monetize.plans.Quota.daily(100)).build()).build()).build()) {
      JsonNode coded = JSON.readTree(new String(TomcatProblemPages.body(Optional.of(monetize), 414, "r-1"),
          StandardCharsets.UTF_8));
      JsonNode blank = JSON.readTree(new String(TomcatProblemPages.body(Optional.of(monetize), 502, "r-2"),
          StandardCharsets.UTF_8));
      JsonNode version = JSON.readTree(new String(TomcatProblemPages.body(Optional.of(monetize), 505, "r-4"),
          StandardCharsets.UTF_8));
      JsonNode noEngine = JSON.readTree(new String(TomcatProblemPages.body(Optional.empty(), 400, "r-3"),
          StandardCharsets.UTF_8));

      assertThat(coded.get("code").asText()).isEqualTo("uri_too_long");
      assertThat(coded.get("status").asInt()).isEqualTo(414);
      assertThat(coded.get("request_id").asText()).isEqualTo("r-1");
      assertThat(blank.get("type").asText()).isEqualTo("about:blank");
      assertThat(blank.get("title").asText()).isEqualTo("Bad Gateway");
      assertThat(blank.get("status").asInt()).isEqualTo(502);
      JsonNode framing = JSON.readTree(new String(TomcatProblemPages.body(Optional.of(monetize), 501, "r-5"),
          StandardCharsets.UTF_8));
      assertThat(framing.get("code").asText()).isEqualTo("not_implemented"); // an unknown Transfer-Encoding
      assertThat(version.get("code").asText()).isEqualTo("http_version_not_supported"); // the client's request
      assertThat(version.get("status").asInt()).isEqualTo(505);
      assertThat(noEngine.get("type").asText()).isEqualTo("about:blank");
      assertThat(noEngine.get("status").asInt()).isEqualTo(400);
      assertThat(dev.monetize.errors.ProblemJson.reason(409)).isEqualTo("Conflict");
      assertThat(dev.monetize.errors.ProblemJson.reason(499)).isEqualTo("Client Error");
    }
  }
}
