package dev.monetize.examples.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} over real HTTP, the same in every example: Prometheus text for the operator,
 * problem JSON for anyone else, and no customer in it.
 */
public abstract class MetricsEndpointContract {
  private final HttpClient http = HttpClient.newHttpClient();

  /** For the examples' test classes. */
  protected MetricsEndpointContract() {
  }

  /** A running example: its base URL and demo keys; closed after the test. */
  protected interface Running extends AutoCloseable {
    /** {@code http://127.0.0.1:<port>}. */
    String base();

    /** Demo secrets by plan, {@code admin} the operator's. */
    Map<String, String> keys();

    @Override
    void close();

    /** A running example from its parts. */
    static Running of(String base, Map<String, String> keys, Runnable stop) {
      return new Running() {
        @Override
        public String base() {
          return base;
        }

        @Override
        public Map<String, String> keys() {
          return keys;
        }

        @Override
        public void close() {
          stop.run();
        }
      };
    }
  }

  /** Starts the example on a free port. */
  protected abstract Running start() throws Exception;

  private HttpResponse<String> get(Running app, String path, String secretOrNull) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(app.base() + path));
    if (secretOrNull != null) {
      b.header("Authorization", "Bearer " + secretOrNull);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void onlyTheOperatorReadsTheMetricsAndNoCustomerAppearsInThem() throws Exception {
    try (Running app = start()) {
      Map<String, String> keys = app.keys();
      assertThat(get(app, "/v1/stats/summary", keys.get("pro")).statusCode()).isEqualTo(200);

      HttpResponse<String> none = get(app, "/metrics", null);
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
          .startsWith("application/problem+json"));
      assertThat(new ObjectMapper().readTree(none.body()).get("code").asText()).isEqualTo("key_missing");
      assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"monetize\"");
      assertThat(none.headers().firstValue("Cache-Control")).contains("no-store");
      HttpResponse<String> customer = get(app, "/metrics", keys.get("enterprise"));
      assertThat(customer.statusCode()).isEqualTo(403);
      assertThat(new ObjectMapper().readTree(customer.body()).get("detail").asText())
          .isEqualTo("Only the operator's credential reads /metrics.");
      HttpResponse<String> bad = get(app, "/metrics", "mk_live_" + "x".repeat(30));
      assertThat(bad.statusCode()).isEqualTo(401);
      assertThat(bad.headers().firstValue("WWW-Authenticate")).contains(
          "Bearer realm=\"monetize\", error=\"invalid_token\"");

      HttpResponse<String> operator = get(app, "/metrics", keys.get("admin"));
      assertThat(operator.statusCode()).isEqualTo(200);
      assertThat(operator.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
          .startsWith("text/plain"));
      assertThat(operator.body()).contains("monetize_requests_seconds_count{operation=\"stats.summary\","
          + "outcome=\"admitted\",plan=\"pro\",status_class=\"2xx\"} 1");
      assertThat(operator.body()).doesNotContain("demo-pro").doesNotContain("127.0.0.1");
      assertThat(operator.body()).doesNotContain("operation=\"metrics\""); // reading the metrics is not metered
    }
  }
}
