package com.example;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.keys.ApiKeys;
import dev.monetize.keys.KeyEnvironment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/** docs/getting-started.md, step by step over real HTTP: each curl of the page as a request. */
class ReportServiceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private String base;

  private HttpResponse<String> send(String method, String path, String key, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theTenMinutePathWorksAsThePageShowsIt() throws Exception {
    String operator = ApiKeys.newSecret(KeyEnvironment.TEST, new SecureRandom()); // `monetize operator-key -e test`
    Server server = ReportService.start(Path.of("plans.yaml"), 0, operator); // as main() does
    try {
      base = "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
      assertThat(send("GET", "/internal/health", null, null).body()).isEqualTo("ok");
      HttpResponse<String> anonymous = send("GET", "/api/report", null, null);
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(JSON.readTree(anonymous.body()).get("code").asText()).isEqualTo("key_missing");
      assertThat(send("POST", "/monetize/organizations", operator,
          "{\"name\":\"Acme\",\"plan\":\"free\",\"id\":\"acme\"}").statusCode()).isEqualTo(201);
      HttpResponse<String> created = send("POST", "/monetize/keys", operator,
          "{\"organization_id\":\"acme\",\"scopes\":[\"reports:read\"]}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      String key = JSON.readTree(created.body()).get("secret").asText();
      HttpResponse<String> report = send("GET", "/api/report", key, null);
      assertThat(report.statusCode()).isEqualTo(200);
      assertThat(report.body()).isEqualTo("{\"customer\":\"acme\",\"rows\":42}");
      assertThat(report.headers().firstValue("RateLimit-Policy")).isPresent();
      HttpResponse<String> post = send("POST", "/api/report", key, "{}");
      assertThat(post.statusCode()).isEqualTo(405);
      assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
      JsonNode own = JSON.readTree(send("GET", "/monetize/usage", key, null).body());
      assertThat(own.at("/usage/requests").asLong()).isEqualTo(1);
      JsonNode chosen = JSON.readTree(send("GET", "/monetize/usage?customer_id=acme", operator, null).body());
      assertThat(chosen.at("/usage/requests").asLong()).isEqualTo(1);
      assertThat(chosen.at("/cost/USD").asText()).isEqualTo("0.00"); // the draft invoice: 0.002 rounds to 0.00
      assertThat(send("GET", "/api/report", operator, null).statusCode()).isEqualTo(403);
    } finally {
      server.stop();
    }
  }
}
