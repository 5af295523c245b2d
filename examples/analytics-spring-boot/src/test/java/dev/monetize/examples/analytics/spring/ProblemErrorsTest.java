package dev.monetize.examples.analytics.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** What reaches Spring Boot's error page in the example is problem JSON too, never Whitelabel or Spring's JSON. */
class ProblemErrorsTest {
  @Test
  void actuatorsRefusalsAndUnknownPathsAreProblemJson() throws Exception {
    try (AnalyticsSpringServer app = AnalyticsSpringServer.builder().port(0).start()) {
      HttpClient http = HttpClient.newHttpClient();
      String[][] requests = {{"GET", "/actuator/env"}, {"GET", "/actuator/health/x"}, {"POST", "/actuator/health"},
          {"DELETE", "/actuator/health"}};
      for (String[] r : requests) {
        for (String accept : new String[] {"text/html", "application/json", "*/*"}) {
          HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
              + r[1])).method(r[0], HttpRequest.BodyPublishers.noBody()).header("Accept", accept).build(),
              HttpResponse.BodyHandlers.ofString());
          String what = r[0] + " " + r[1] + " (" + accept + ")";
          assertThat(answer.statusCode()).as(what).isBetween(400, 599);
          if (answer.body().isEmpty()) { // Actuator's own bodiless 404 for a component it does not have
            continue;
          }
          assertThat(answer.headers().firstValue("Content-Type")).as(what).hasValue("application/problem+json");
          assertThat(answer.body()).as(what).doesNotContain("<html").doesNotContain("timestamp")
              .doesNotContain("Whitelabel").contains("\"status\":" + answer.statusCode());
        }
      }
    }
  }
}
