package dev.monetize.examples.analytics.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The annotated resources and the servlet example's plans file describe one API: the JAX-RS
 * example serves the very document the servlet example serves (the one the client is generated from).
 */
class SameDocumentTest {
  @Test
  void bothExamplesServeTheSameOpenApiDocument() throws Exception {
    try (AnalyticsJaxrsServer app = AnalyticsJaxrsServer.builder().port(0).start()) {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + app.port() + "/openapi.json")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.body()).isEqualTo(Files.readString(
          Path.of("..", "analytics-client", "src", "main", "openapi", "analytics.json"), StandardCharsets.UTF_8));
    }
  }
}
