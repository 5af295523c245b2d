package dev.monetize.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProblemJsonTest {
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void rendersTheStandardAndOurMembers() throws Exception {
    Problem p = Problem.of(ErrorCode.QUOTA_EXHAUSTED, URI.create("https://docs.example.com/"), "used \"up\"", "r-1")
        .with("retry_after", 30L).with("violated_policies", List.of("daily"));
    JsonNode n = json.readTree(ProblemJson.toBytes(p));
    assertThat(n.get("type").asText()).isEqualTo("https://docs.example.com/errors#quota_exhausted");
    assertThat(n.get("title").asText()).isEqualTo("Quota exhausted");
    assertThat(n.get("status").asInt()).isEqualTo(429);
    assertThat(n.get("detail").asText()).isEqualTo("used \"up\"");
    assertThat(n.get("code").asText()).isEqualTo("quota_exhausted");
    assertThat(n.get("hint").asText()).isNotBlank();
    assertThat(n.get("request_id").asText()).isEqualTo("r-1");
    assertThat(n.get("retry_after").asLong()).isEqualTo(30);
    assertThat(n.get("violated_policies").get(0).asText()).isEqualTo("daily");
  }

  @Test
  void everyCodeHasAStableSnakeCaseNameStatusAndHint() {
    for (ErrorCode c : ErrorCode.values()) {
      assertThat(c.code()).matches("[a-z]+(_[a-z]+)*");
      assertThat(c.status()).isBetween(400, 599);
      assertThat(c.hint()).isNotBlank();
      assertThat(c.type(URI.create("https://monetize.dev")).toString())
          .isEqualTo("https://monetize.dev/errors#" + c.code());
    }
  }

  @Test
  void extensionNamesFollowRfc9457() {
    Problem p = Problem.of(ErrorCode.BAD_REQUEST, URI.create("https://monetize.dev"), "d", "r");
    assertThatThrownBy(() -> p.with("ab", 1)).hasMessageContaining("3+ characters");
    assertThatThrownBy(() -> p.with("violated-policies", 1)).hasMessageContaining("ALPHA, DIGIT or '_'");
  }
}
