package com.example;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.keys.ApiKeys;
import dev.monetize.keys.KeyEnvironment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** docs/jaxrs.md "In your own service", over real HTTP, with Jersey's log watched. */
class ReportApplicationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private String base;

  private HttpResponse<String> send(String method, String path, String key, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aJerseyServiceIsMonetizedWithoutAWarning() throws Exception {
    List<String> warnings = new CopyOnWriteArrayList<>();
    Logger jersey = Logger.getLogger("org.glassfish.jersey");
    Handler recorder = new Handler() {
      @Override
      public void publish(LogRecord r) {
        if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
          warnings.add(r.getMessage());
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    jersey.addHandler(recorder);
    String operator = ApiKeys.newSecret(KeyEnvironment.TEST, new SecureRandom());
    org.eclipse.jetty.server.Server server = ReportApplication.start(Path.of("plans.yaml"), 0,
        operator);
    try {
      base = "http://127.0.0.1:" + server.getURI().getPort();
      assertThat(send("GET", "/api/report", null, null).statusCode()).isEqualTo(401);
      assertThat(send("POST", "/monetize/organizations", operator,
          "{\"name\":\"Acme\",\"plan\":\"free\",\"id\":\"acme\"}").statusCode()).isEqualTo(201);
      HttpResponse<String> created = send("POST", "/monetize/keys", operator,
          "{\"organization_id\":\"acme\",\"scopes\":[\"reports:read\"]}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      String key = JSON.readTree(created.body()).get("secret").asText();
      HttpResponse<String> report = send("GET", "/api/report", key, null);
      assertThat(report.statusCode()).isEqualTo(200);
      assertThat(report.body()).isEqualTo("{\"customer\":\"acme\",\"rows\":42}");
      assertThat(report.headers().firstValue("RateLimit")).isPresent();
      HttpResponse<String> post = send("POST", "/api/report", key, "{}");
      assertThat(post.statusCode()).isEqualTo(405);
      assertThat(post.body()).doesNotContain("recomputed");
      assertThat(JSON.readTree(send("GET", "/monetize/usage?customer_id=acme", operator, null).body())
          .at("/usage/requests").asLong()).isEqualTo(1);
      assertThat(warnings).as("Jersey's warnings").isEmpty();
    } finally {
      server.stop();
      jersey.removeHandler(recorder);
    }
  }
}
