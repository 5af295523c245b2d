package dev.monetize.examples.analytics.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.ManualTimeSource;
import dev.monetize.TimeSource;
import dev.monetize.management.ManagementLimits;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OWASP API8 on the container: what Jetty refuses itself, before any filter or resource sees the
 * request, is answered as problem JSON like everything else, with nothing of Jetty or an exception.
 */
public abstract class ProblemPagesContract {
  private ExampleUnderTest app;

  /** Starts the example under test. */
  protected abstract ExampleUnderTest start(TimeSource time, ManagementLimits limits) throws Exception;

  @BeforeEach
  void startExample() throws Exception {
    app = start(ManualTimeSource.at(Instant.now()), ManagementLimits.defaults());
  }

  @AfterEach
  void stopExample() {
    app.close();
  }

  /** Sends {@code request} as it is (no client tidies it) and reads the whole answer. */
  private String raw(String request) throws Exception {
    URI base = URI.create(app.base());
    try (Socket s = new Socket(base.getHost(), base.getPort())) {
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void whatJettyRefusesItselfIsAProblemToo() throws Exception {
    String close = "Host: localhost\r\nConnection: close\r\n";
    Map<String, String> requests = new LinkedHashMap<>();
    requests.put("an empty segment", "GET //v1/export HTTP/1.1\r\n" + close + "\r\n");
    requests.put("a path that is not UTF-8", "GET /monetize/keys/%C0%AF HTTP/1.1\r\n" + close + "\r\n");
    requests.put("a URI too long", "GET /v1/stats/summary?" + "a=1&".repeat(5_000) + " HTTP/1.1\r\n" + close
        + "\r\n");
    requests.put("headers too large", "GET /v1/stats/summary HTTP/1.1\r\n" + close + "X-Big: " + "x".repeat(20_000)
        + "\r\n\r\n");
    requests.put("an HTTP version that does not exist", "GET /v1/stats/summary HTTP/9.9\r\n" + close + "\r\n");
    for (String method : new String[] {"DELETE", "PUT", "PATCH", "OPTIONS"}) { // Jetty's own pages skip these
      requests.put("a bad escape, " + method, method + " /v1/%25 HTTP/1.1\r\n" + close + "Content-Length: 0\r\n\r\n");
      requests.put("an ambiguous path, " + method, method + " /monetize/shield/bans/fe80::1%25eth0 HTTP/1.1\r\n"
          + close + "Content-Length: 0\r\n\r\n");
    }
    for (Map.Entry<String, String> r : requests.entrySet()) {
      String answer = raw(r.getValue());
      String status = answer.substring("HTTP/1.1 ".length(), "HTTP/1.1 ".length() + 3);
      assertThat(status).as(r.getKey()).isIn("400", "414", "431", "505");
      assertThat(answer).as(r.getKey()).containsIgnoringCase("Content-Type: application/problem+json")
          .doesNotContainIgnoringCase("<html").doesNotContain("Exception").doesNotContain("Jetty")
          .contains("\"status\":" + status);
      // the catalog's problem, as every answer of the API: its code, a hint, a request id
      String code = Map.of("400", "bad_request", "414", "uri_too_long", "431", "headers_too_large", "505",
          "http_version_not_supported").get(status);
      assertThat(answer).as(r.getKey()).contains("\"type\":\"https://monetize.dev/errors#" + code + "\"")
          .contains("\"code\":\"" + code + "\"").contains("\"hint\":").contains("\"request_id\":");
    }
  }
}
