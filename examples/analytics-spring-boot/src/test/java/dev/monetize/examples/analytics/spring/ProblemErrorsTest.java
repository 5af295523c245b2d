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

  /**
   * An admitted call whose body Tomcat fails to read (a malformed chunk, or a body cut short: Tomcat
   * sends its own error page then, whatever the endpoint did with the failure) is the caller's
   * {@code 400}: to the caller, with the call's own request id in one header, and in the usage record
   * and audit event (an SLA report reads them), never the endpoint's {@code 500}.
   */
  @Test
  void aBodyTomcatCannotReadIsTheCallers400EverywhereWithOneRequestId() throws Exception {
    try (AnalyticsSpringServer app = AnalyticsSpringServer.builder().port(0).start()) {
      String head = "POST /v1/events HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer "
          + app.demoKeys().get("pro") + "\r\nContent-Type: application/json\r\n";
      assertOneRequestIdEverywhere(app, head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n[]\r\n0\r\n\r\n");
      assertOneRequestIdEverywhere(app, head + "Content-Length: 200\r\n\r\n[{\"type\":\"page_view\",\"user_id\":\"u1\"}");
    }
  }

  /**
   * A malformed {@code Content-Length} is Tomcat's {@code 400} as problem JSON, and nothing is logged
   * at {@code ERROR}: reading the length after the answer threw, and Tomcat logged a stack trace for
   * every such request (anyone without a key could flood the log).
   */
  @Test
  void aMalformedContentLengthIsA400WithoutAnErrorInTheLog() throws Exception {
    ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
        org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
        new ch.qos.logback.core.read.ListAppender<>();
    try (AnalyticsSpringServer app = AnalyticsSpringServer.builder().port(0).start()) {
      logged.start();
      root.addAppender(logged);
      for (String length : new String[] {"Content-Length: abc\r\n", "Content-Length: -1\r\n",
          "Content-Length: 1\r\nContent-Length: 2\r\n"}) {
        String answer = exchange(app, "POST /v1/events HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + length
            + "\r\nx");
        assertThat(answer).as(length).startsWith("HTTP/1.1 400").contains("application/problem+json")
            .contains("\"code\":\"bad_request\"");
      }
    } finally {
      root.detachAppender(logged);
    }
    assertThat(logged.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.ERROR))
        .extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).isEmpty();
  }

  /** Sends {@code request}, ends the connection's sending side, and reads the whole answer. */
  private static String exchange(AnalyticsSpringServer app, String request) throws Exception {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", app.port())) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      s.shutdownOutput();
      return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /** Sends {@code request} and ends the connection's sending side, then checks the answer, usage and audit. */
  private static void assertOneRequestIdEverywhere(AnalyticsSpringServer app, String request) throws Exception {
    String answer = exchange(app, request); // no more of the body comes
    assertThat(answer).as(request).startsWith("HTTP/1.1 400").contains("\"code\":\"bad_request\"");
    java.util.List<String> ids = new java.util.ArrayList<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?im)^X-Request-Id: (\\S+)$").matcher(answer);
    while (m.find()) {
      ids.add(m.group(1));
    }
    assertThat(ids).as(answer).hasSize(1);
    String id = ids.get(0);
    assertThat(answer).contains("\"request_id\":\"" + id + "\"");
    dev.monetize.Monetize monetize = app.monetize();
    java.util.List<Integer> statuses = new java.util.ArrayList<>();
    // the call's slot is freed before its audit event is made: the event is waited for
    for (int i = 0; i < 200 && statuses.isEmpty(); i++) { // at most 20 reads a second: the management API's limit
      monetize.flushAudit();
      HttpResponse<String> audit = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + app.port() + "/monetize/audit?customer_id=demo-pro")).header("Authorization", "Bearer "
          + app.demoKeys().get("admin")).build(), HttpResponse.BodyHandlers.ofString());
      new com.fasterxml.jackson.databind.ObjectMapper().readTree(audit.body()).get("data").forEach(e -> {
        if (e.get("request_id").asText().equals(id)) {
          statuses.add(e.get("status").asInt());
        }
      });
      if (statuses.isEmpty()) {
        java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
      }
    }
    assertThat(statuses).as("the audit event of " + id + " in " + answer).containsExactly(400);
  }
}
