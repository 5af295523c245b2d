package dev.monetize.examples.analytics.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics} over real HTTP on Jersey (@OperatorOnly): Prometheus text for the operator, problem JSON for anyone else. */
class JaxrsMetricsEndpointTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private AnalyticsJaxrsServer app;

  @BeforeEach
  void start() throws Exception {
    app = AnalyticsJaxrsServer.builder().port(0).start();
  }

  @AfterEach
  void stop() {
    app.close();
  }

  private HttpResponse<String> get(String path, String secretOrNull) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path));
    if (secretOrNull != null) {
      b.header("Authorization", "Bearer " + secretOrNull);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void onlyTheOperatorReadsTheMetricsAndNoCustomerAppearsInThem() throws Exception {
    Map<String, String> keys = app.demoKeys();
    assertThat(get("/v1/stats/summary", keys.get("pro")).statusCode()).isEqualTo(200);

    HttpResponse<String> none = get("/metrics", null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
        .startsWith("application/problem+json"));
    assertThat(new ObjectMapper().readTree(none.body()).get("code").asText()).isEqualTo("key_missing");
    HttpResponse<String> customer = get("/metrics", keys.get("enterprise"));
    assertThat(customer.statusCode()).isEqualTo(403);
    assertThat(get("/metrics", "mk_live_" + "x".repeat(30)).statusCode()).isEqualTo(401);

    HttpResponse<String> operator = get("/metrics", keys.get("admin"));
    assertThat(operator.statusCode()).isEqualTo(200);
    assertThat(operator.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
        .startsWith("text/plain"));
    assertThat(operator.body()).contains("monetize_requests_seconds_count{operation=\"stats.summary\","
        + "outcome=\"admitted\",plan=\"pro\",status_class=\"2xx\"} 1");
    assertThat(operator.body()).doesNotContain("demo-pro").doesNotContain("127.0.0.1");
    // reading the metrics is not a metered call
    assertThat(operator.body()).doesNotContain("operation=\"metrics\"");
  }
}
