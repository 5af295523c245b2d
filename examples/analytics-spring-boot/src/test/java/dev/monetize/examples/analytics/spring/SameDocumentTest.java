package dev.monetize.examples.analytics.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The Spring Boot example serves the very document the other examples serve (the client's). */
class SameDocumentTest {
  @Test
  void servesTheSameOpenApiDocument() throws Exception {
    try (AnalyticsSpringServer app = AnalyticsSpringServer.builder().port(0).start()) {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + app.port() + "/openapi.json")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.body()).isEqualTo(Files.readString(
          Path.of("..", "analytics-client", "src", "main", "openapi", "analytics.json"), StandardCharsets.UTF_8));
    }
  }
}
