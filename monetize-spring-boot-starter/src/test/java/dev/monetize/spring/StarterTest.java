package dev.monetize.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.app.TestApplication;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.Monetize;
import dev.monetize.limits.LimiterStore;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.Customer;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The starter with nothing but a plans file: in-memory stores, over real HTTP on a random port. */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"monetize.use-redis=false", "monetize.use-data-source=false", "monetize.environment=test",
        "spring.autoconfigure.exclude=org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
        "management.endpoint.health.show-details=always", "management.endpoints.web.exposure.include=health"})
class StarterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String OPERATOR = dev.monetize.keys.ApiKeys.newSecret(dev.monetize.keys.KeyEnvironment.TEST,
      new java.security.SecureRandom());

  @org.springframework.test.context.DynamicPropertySource
  static void operator(org.springframework.test.context.DynamicPropertyRegistry registry) {
    registry.add("monetize.operator-key", () -> OPERATOR);
  }

  @LocalServerPort
  int port;
  @Autowired
  Monetize monetize;
  @Autowired
  org.springframework.beans.factory.ObjectProvider<LimiterStore> limiterStores;
  @Autowired
  MeterRegistry registry;

  private String key(String customer, String plan) {
    if (monetize.customers().find(customer).isEmpty()) {
      monetize.customers().save(new Customer(customer, plan, BillingAnchor.DEFAULT, customer));
    }
    return monetize.keys().issue(customer, java.util.Set.of("hello:read")).secret();
  }

  /**
   * The filter runs before Spring's FormContentFilter, which reads a whole PUT/PATCH/DELETE form body
   * into memory (a client without a key could exhaust the heap), and after HiddenHttpMethodFilter, so
   * that it routes the method the application sees.
   */
  @Test
  void theFilterRunsBeforeAnythingReadsTheBody(@Autowired org.springframework.context.ApplicationContext context)
      throws Exception {
    int monetizeOrder = context.getBean("monetizeFilter",
        org.springframework.boot.web.servlet.DelegatingFilterProxyRegistrationBean.class).getOrder();
    int formContent = context.getBean(org.springframework.boot.web.servlet.filter.OrderedFormContentFilter.class)
        .getOrder();
    assertThat(monetizeOrder).isLessThan(formContent)
        .isGreaterThan(org.springframework.boot.web.servlet.filter.OrderedHiddenHttpMethodFilter.DEFAULT_ORDER);
    // a form body without a key is refused before it is read: the answer comes while most of it is unsent
    String head = "PUT /v1/hello HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n";
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      s.getOutputStream().write("4\r\na=aa\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      s.getOutputStream().flush(); // the body never ends: a filter reading it would wait for the timeout
      byte[] answer = new byte[12];
      int n = s.getInputStream().readNBytes(answer, 0, 12);
      assertThat(new String(answer, 0, n, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 405"); // PUT is not offered there
    }
  }

  /**
   * A body nobody reads does not hold a Tomcat thread once the answer is out: Tomcat reads none of it
   * and closes the connection, whether the request was refused before its body (no key) or admitted
   * by an endpoint that never reads it, whether the client sends nothing more, a byte now and then, or
   * a chunk header a byte at a time (Tomcat read up to 2 MB, or at least once whatever the swallow size,
   * each byte restarting its timeout: a client without a key held a thread for as long as it liked).
   */
  @Test
  void aBodyNobodyReadsHoldsNoThreadTheConnectionCloses() throws Exception {
    String fixed = "Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n";
    String chunked = "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    String key = key("reader", "pro");
    String[][] cases = {
        {"POST /v1/hello HTTP/1.1\r\nHost: x\r\n" + fixed + "[", "drip", "HTTP/1.1 405"},
        {"POST /v1/greetings HTTP/1.1\r\nHost: x\r\n" + fixed, "silent", "HTTP/1.1 401"},
        {"POST /v1/greetings HTTP/1.1\r\nHost: x\r\n" + chunked + "1;a", "drip", "HTTP/1.1 401"},
        {"GET /v1/hello HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key + "\r\n" + fixed, "silent", "HTTP/1.1 200"},
        {"GET /v1/hello HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key + "\r\n" + chunked + "1;a", "drip",
            "HTTP/1.1 200"}};
    for (String[] c : cases) {
      String answer = answerThenClose(c[0], c[1].equals("drip"));
      assertThat(answer).as(c[0]).startsWith(c[2]); // the answer as it was, then the close (never a 500)
    }
    // a body the endpoint read, chunked (a JSON reader stops before the last chunk): answered as usual, kept alive
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      String json = "{\"name\":\"Ada\"}";
      String request = "POST /v1/greetings HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
          + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
          + Integer.toHexString(json.length()) + "\r\n" + json + "\r\n0\r\n\r\n";
      for (int i = 0; i < 2; i++) { // twice on one connection
        s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        String head = readUntil(s.getInputStream(), "\r\n\r\n");
        assertThat(head).startsWith("HTTP/1.1 201").doesNotContainIgnoringCase("Connection: close");
        assertThat(readUntil(s.getInputStream(), "\r\n0\r\n\r\n")).contains("Hello, Ada"); // its chunked body, whole
      }
    }
  }

  private static String readUntil(java.io.InputStream in, String end) throws java.io.IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith(end)) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.append((char) b);
    }
    return head.toString();
  }

  /** What the server answers {@code request} before it closes the connection (within 20 s, else fails). */
  private String answerThenClose(String request, boolean drip) throws Exception {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
      s.setSoTimeout(200);
      java.io.OutputStream out = s.getOutputStream();
      out.write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.flush();
      java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
      for (int i = 0; i < 100; i++) { // every 200 ms for up to 20 s (Tomcat's timeout is 60): closed long before
        try {
          int b;
          while ((b = s.getInputStream().read()) >= 0) {
            answer.write(b);
          }
          return answer.toString(java.nio.charset.StandardCharsets.US_ASCII); // closed
        } catch (java.net.SocketTimeoutException e) {
          if (drip) {
            try {
              out.write('a');
              out.flush();
            } catch (java.io.IOException gone) {
              return answer.toString(java.nio.charset.StandardCharsets.US_ASCII);
            }
          }
        } catch (java.io.IOException reset) {
          return answer.toString(java.nio.charset.StandardCharsets.US_ASCII);
        }
      }
      throw new AssertionError("the connection is still open after 20 s: " + request);
    }
  }

  /** What Tomcat refuses before any filter runs: problem JSON, never Tomcat's HTML page naming itself. */
  @Test
  void tomcatsOwnRefusalsAreProblemJson() throws Exception {
    for (String request : new String[] {
        "GET /v1/hello%2Fthere HTTP/1.1\r\nHost: x\r\nX-Request-Id: req-enc\r\n\r\n", // an encoded '/'
        "GET /v1/%zz HTTP/1.1\r\nHost: x\r\n\r\n", // a malformed escape
        "GET /v1 hello HTTP/1.1\r\nHost: x\r\n\r\n"}) { // a malformed request line
      String answer = raw(request);
      String head = answer.substring(0, answer.indexOf("\r\n\r\n")).toLowerCase(java.util.Locale.ROOT);
      JsonNode body = JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));

      assertThat(answer).as(request).startsWith("HTTP/1.1 400");
      assertThat(head).contains("content-type: application/problem+json").contains("cache-control: no-store");
      assertThat(body.get("code").asText()).isEqualTo("bad_request");
      assertThat(body.get("status").asInt()).isEqualTo(400);
      assertThat(body.get("type").asText()).endsWith("/errors#bad_request");
      assertThat(answer).doesNotContainIgnoringCase("tomcat").doesNotContain("<html");
      if (request.contains("req-enc")) { // a well-formed id is the caller's, as on every other answer
        assertThat(head).contains("x-request-id: req-enc");
        assertThat(body.get("request_id").asText()).isEqualTo("req-enc");
      }
    }
    // an application's own answers are untouched
    assertThat(Http.get(port, "/v1/hello", key("acme", "pro")).statusCode()).isEqualTo(200);
  }

  @Test
  void aTraceTomcatRefusesIsProblemJsonAndEchoesNothing() throws Exception {
    for (String path : new String[] {"/v1/hello", "/no/such/path"}) {
      String answer = raw("TRACE " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer secret-to-echo\r\n"
          + "X-Request-Id: req-trace\r\nConnection: close\r\n\r\n");
      String head = answer.substring(0, answer.indexOf("\r\n\r\n")).toLowerCase(java.util.Locale.ROOT);
      JsonNode body = JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));

      assertThat(answer).as(path).startsWith("HTTP/1.1 405");
      assertThat(head).contains("content-type: application/problem+json").contains("allow: ")
          .doesNotContain("allow: trace").doesNotContain(", trace");
      assertThat(body.get("code").asText()).isEqualTo("method_not_allowed");
      assertThat(body.get("request_id").asText()).isEqualTo("req-trace");
      assertThat(answer).doesNotContain("secret-to-echo").doesNotContainIgnoringCase("tomcat");
    }
  }

  private String raw(String request) throws Exception {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
      s.setSoTimeout(5_000);
      s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  @Test
  void aMonetizedHandlerGetsTheCallerAndTheRateLimitHeaders() throws Exception {
    HttpResponse<String> r = Http.get(port, "/v1/hello", key("acme", "pro"));

    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("customer").asText()).isEqualTo("acme");
    assertThat(body.get("tenant").asText()).isEqualTo("acme");
    assertThat(body.get("plan").asText()).isEqualTo("pro");
    assertThat(r.headers().firstValue("RateLimit-Policy")).isPresent();
    assertThat(r.headers().firstValue("RateLimit")).isPresent();
    assertThat(r.headers().firstValue("X-Request-Id")).isPresent();
    assertThat(r.headers().firstValue("X-Plans")).hasValue("2"); // an application interceptor that injects Monetize
  }

  @Test
  void aStreamedAnswerIsWrittenWithTheCallersTenant() throws Exception {
    HttpResponse<String> r = Http.get(port, "/v1/stream", key("acme", "pro"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("tenant acme");
  }

  @Test
  void refusalsAreProblemJsonWithStableCodes() throws Exception {
    HttpResponse<String> missing = Http.get(port, "/v1/hello", null);
    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(missing.headers().firstValue("Content-Type")).hasValueSatisfying(
        t -> assertThat(t).startsWith("application/problem+json"));
    assertThat(JSON.readTree(missing.body()).get("code").asText()).isEqualTo("key_missing");

    String free = key("tiny", "free");
    for (int i = 0; i < 3; i++) {
      assertThat(Http.get(port, "/v1/hello", free).statusCode()).isEqualTo(200);
    }
    HttpResponse<String> exhausted = Http.get(port, "/v1/hello", free);
    assertThat(exhausted.statusCode()).isEqualTo(429);
    assertThat(JSON.readTree(exhausted.body()).get("code").asText()).isEqualTo("quota_exhausted");
    assertThat(exhausted.headers().firstValue("Retry-After")).isPresent();
  }

  @Test
  void anAnnotatedHandlerIsAnOperationWithItsPriceAndCache() throws Exception {
    assertThat(monetize.catalog().operation("reports.get")).hasValueSatisfying(op -> {
      assertThat(op.pathTemplate()).isEqualTo("/v1/reports/{name}");
      assertThat(op.method()).isEqualTo("GET");
      assertThat(op.cache()).isPresent();
    });

    HttpResponse<String> r = Http.get(port, "/v1/reports/weekly", key("acme", "pro"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(r.body()).get("report").asText()).isEqualTo("weekly");
    assertThat(r.headers().firstValue("RateLimit")).isPresent();
    assertThat(Http.get(port, "/v1/reports/weekly", null).statusCode()).isEqualTo(401);
  }

  @Test
  void anAnswerFromTheCacheCarriesSpringSecuritysHeadersAsTheMissDid() throws Exception {
    String key = key("acme", "pro");
    HttpResponse<String> miss = Http.get(port, "/v1/reports/monthly", key);
    HttpResponse<String> hit = Http.get(port, "/v1/reports/monthly", key);
    assertThat(hit.headers().firstValue("Cache-Status")).contains("monetize; hit");
    assertThat(hit.body()).isEqualTo(miss.body());
    for (String header : new String[] {"X-Content-Type-Options", "X-Frame-Options"}) {
      // written by Security's chain as the handler ran; the engine serves hits before that chain
      assertThat(miss.headers().firstValue(header)).as(header).isPresent();
      assertThat(hit.headers().firstValue(header)).as(header).isEqualTo(miss.headers().firstValue(header));
    }
  }

  /**
   * Spring's CORS support makes every answer of a mapped path vary by {@code Origin}: such answers are
   * stored per origin, and a hit carries the CORS headers Spring wrote for that origin (it does not
   * run for a hit), so a dashboard on another origin is served from the cache and its browser reads it.
   */
  @Test
  void aCorsAnswerIsServedFromTheCacheToItsOriginWithTheHeadersSpringWroteForIt() throws Exception {
    String key = key("acme", "pro");
    HttpResponse<String> miss = Http.get(port, "/v1/reports/quarterly", key, "Origin", "https://dash.example");
    HttpResponse<String> hit = Http.get(port, "/v1/reports/quarterly", key, "Origin", "https://dash.example");
    assertThat(miss.headers().firstValue("Access-Control-Allow-Origin")).contains("https://dash.example");
    assertThat(hit.headers().firstValue("Cache-Status")).contains("monetize; hit");
    assertThat(hit.body()).isEqualTo(miss.body());
    assertThat(hit.headers().firstValue("Access-Control-Allow-Origin")).contains("https://dash.example");
    assertThat(hit.headers().firstValue("Access-Control-Expose-Headers")).contains("RateLimit");
    assertThat(String.join(", ", hit.headers().allValues("Vary"))).contains("Origin");
    HttpResponse<String> sameOriginless = Http.get(port, "/v1/reports/quarterly", key);
    assertThat(sameOriginless.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    HttpResponse<String> other = Http.get(port, "/v1/reports/quarterly", key, "Origin", "https://evil.example");
    assertThat(other.statusCode()).as("Spring refuses an origin it does not allow; never the stored answer")
        .isEqualTo(403);
    assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void aPathSpringAndMonetizeWouldRouteDifferentlyIsNotServed() throws Exception {
    String key = key("acme", "pro");
    assertThat(Http.get(port, "/v1/items/7", key).body()).isEqualTo("item 7");
    assertThat(Http.get(port, "/v1/acme/reports", key).body()).isEqualTo("reports of acme");

    HttpResponse<String> both = Http.get(port, "/v1/items/reports", key); // billed as one, routed to the other

    assertThat(both.statusCode()).isEqualTo(500);
    assertThat(JSON.readTree(both.body()).get("code").asText()).isEqualTo("internal");
    assertThat(both.body()).doesNotContain("reports of");
  }

  @Test
  void aPathWithDotSegmentsNeverReachesAHandler() throws Exception {
    for (String path : new String[] {"/v1/%2e%2e/actuator/x", "/v1/items/%2e%2e/reports", "//v1/hello",
        "/v1/./hello"}) {
      HttpResponse<String> r = Http.get(port, path, null);
      assertThat(r.statusCode()).as(path).isEqualTo(400);
      assertThat(r.body()).as(path).doesNotContain("item").doesNotContain("reports of");
    }
  }

  /**
   * The application's own errors on a monetized route (a ResponseStatusException, an annotated
   * exception, sendError) and a malformed multipart body are problem JSON with the call's request
   * id, never Spring Boot's error page, and show no message of the application.
   */
  @Test
  void theApplicationsOwnErrorsAndABrokenMultipartBodyAreProblemJson() throws Exception {
    String key = key("acme", "pro");
    for (String[] c : new String[][] {{"status", "503", "Service Unavailable"}, {"annotated", "409", "Conflict"},
        {"send", "403", "Forbidden"}}) {
      for (String accept : new String[] {"application/json", "text/html"}) {
        HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + port + "/v1/refusals/" + c[0])).header("Authorization",
                "Bearer " + key).header("Accept", accept).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(c[0]).isEqualTo(Integer.parseInt(c[1]));
        assertThat(r.headers().firstValue("Content-Type")).as(c[0]).hasValue("application/problem+json");
        assertThat(JSON.readTree(r.body()).get("title").asText()).as(c[0]).isEqualTo(c[2]);
        assertThat(r.body()).as(c[0]).doesNotContain("timestamp").doesNotContain("<html").doesNotContain("42")
            .doesNotContain("pool");
      }
    }
    HttpResponse<String> multipart = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
        .newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/v1/greetings")).header("Authorization",
            "Bearer " + key).header("Content-Type", "multipart/form-data; boundary=XYZ")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("--XYZ\r\nbroken")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(multipart.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(multipart.body()).get("code").asText()).isEqualTo("bad_request");
  }

  @Test
  void springsOwnRefusalsOfAnApiRequestAreProblemJson() throws Exception {
    String key = key("acme", "pro");
    assertThat(Http.get(port, "/v1/search?limit=3", key).body()).isEqualTo("searched 3");
    Map<String, String> details = Map.of("", "Required parameter 'limit' is not present.",
        "?limit=many", "Parameter 'limit' must be a whole number.");
    for (String query : new String[] {"", "?limit=many"}) {
      HttpResponse<String> r = Http.get(port, "/v1/search" + query, key);
      assertThat(r.statusCode()).as(query).isEqualTo(400);
      assertThat(JSON.readTree(r.body()).get("detail").asText()).as(query).isEqualTo(details.get(query));
      assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
          t -> assertThat(t).startsWith("application/problem+json"));
      assertThat(JSON.readTree(r.body()).get("code").asText()).isEqualTo("bad_request");
      assertThat(JSON.readTree(r.body()).get("request_id").asText())
          .isEqualTo(r.headers().firstValue("X-Request-Id").orElseThrow());
    }
    // a body of a type the handler does not read: its own status and code, not a 400
    HttpResponse<String> text = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + port + "/v1/greetings")).header("Authorization", "Bearer " + key)
        .header("Content-Type", "text/plain").POST(java.net.http.HttpRequest.BodyPublishers.ofString("Ada")).build(),
        HttpResponse.BodyHandlers.ofString());
    // a JSON body Jackson cannot read: where, never Jackson's message with its class names
    HttpResponse<String> shape = Http.post(port, "/v1/greetings", key, "{\"name\":[\"Ada\"]}");
    assertThat(shape.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(shape.body()).get("detail").asText())
        .isEqualTo("The request body does not have the shape this endpoint takes, at $.name.");
    HttpResponse<String> broken = Http.post(port, "/v1/greetings", key, "{\"name\" \"Ada\"}");
    assertThat(JSON.readTree(broken.body()).get("detail").asText())
        .startsWith("The request body is not well-formed JSON (line 1, column");
    assertThat(shape.body() + broken.body()).doesNotContain("java.").doesNotContain("GreetingRequest");
    // past the operation's limit (1 MiB) while Jackson reads it, sent chunked: 413, not a 400 about its shape
    byte[] big = ("{\"name\":\"" + "a".repeat(2 * 1024 * 1024) + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    HttpResponse<String> tooLarge = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + port + "/v1/greetings")).header("Authorization", "Bearer " + key)
        .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(
            () -> new java.io.ByteArrayInputStream(big))).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(JSON.readTree(tooLarge.body()).get("code").asText()).isEqualTo("payload_too_large");
    assertThat(text.statusCode()).isEqualTo(415);
    assertThat(JSON.readTree(text.body()).get("code").asText()).isEqualTo("unsupported_media_type");
    assertThat(JSON.readTree(text.body()).get("status").asInt()).isEqualTo(415);
  }

  @Test
  void secretsNeverShowInActuatorsEnvironment() {
    org.springframework.boot.actuate.endpoint.SanitizingFunction f = new MonetizeActuatorConfiguration.Secrets()
        .monetizeSecrets();
    for (String key : new String[] {"monetize.key-pepper", "MONETIZE_TOKEN_SECRET", "monetize.operatorKey",
        "keyPepper"}) {
      assertThat(f.apply(new org.springframework.boot.actuate.endpoint.SanitizableData(null, key, "hunter2"))
          .getValue()).as(key).isEqualTo(org.springframework.boot.actuate.endpoint.SanitizableData.SANITIZED_VALUE);
    }
    assertThat(f.apply(new org.springframework.boot.actuate.endpoint.SanitizableData(null, "monetize.plans", "x"))
        .getValue()).isEqualTo("x");
  }

  @Test
  void aRouteOutsideTheCatalogIsNeverOpen() throws Exception {
    HttpResponse<String> r = Http.get(port, "/internal/secret", key("acme", "pro"));

    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).doesNotContain("should never be served");
    assertThat(JSON.readTree(r.body()).get("code").asText()).isEqualTo("not_found");
  }

  @Test
  void theDocumentDescribesTheHandlersBodiesFromTheirTypes() throws Exception {
    JsonNode doc = JSON.readTree(monetize.openApiJson());
    JsonNode post = doc.at("/paths/~1v1~1greetings/post");
    assertThat(post.at("/responses/201/content/application~1json/schema/$ref").asText())
        .isEqualTo("#/components/schemas/Greeting");
    assertThat(post.at("/requestBody/content/application~1json/schema/$ref").asText())
        .isEqualTo("#/components/schemas/GreetingRequest");
    // written by the application's ObjectMapper: Boot's default keeps the Java names
    assertThat(doc.at("/components/schemas/Greeting/properties").fieldNames()).toIterable()
        .containsExactlyInAnyOrder("customerId", "greetingText");
    assertThat(doc.at("/paths/~1v1~1hello/get/responses/200/content/application~1json/schema/type").asText())
        .isEqualTo("object"); // a plans-file operation's handler returns a Map
    HttpResponse<String> created = Http.post(port, "/v1/greetings", key("acme", "pro"), "{\"name\":\"Ada\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(JSON.readTree(created.body()).get("greetingText").asText()).isEqualTo("Hello, Ada");
  }

  @Test
  void theManagementApiIsServed() throws Exception {
    String key = key("acme", "pro");
    Http.get(port, "/v1/hello", key);

    HttpResponse<String> usage = Http.get(port, "/monetize/usage", key);

    assertThat(usage.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(usage.body()).toString()).contains("acme");
    assertThat(Http.get(port, "/monetize/usage", null).statusCode()).isEqualTo(401);
  }

  @Test
  void metricsGoToTheApplicationsRegistryAndHealthIsReported() throws Exception {
    Http.get(port, "/v1/hello", key("acme", "pro"));

    assertThat(registry.find("monetize.limiter.calls").functionCounter()).isNotNull();
    assertThat(registry.find("monetize.limiter.calls").functionCounter().count()).isPositive();
    HttpResponse<String> health = Http.get(port, "/actuator/health", null);
    JsonNode monetizeHealth = JSON.readTree(health.body()).at("/components/monetize");
    assertThat(monetizeHealth.get("status").asText()).isEqualTo("UP");
    assertThat(monetizeHealth.at("/details/limiterStore").asText()).isEqualTo("up");
    // Actuator's paths are left to Actuator; a path that only begins like them is not
    assertThat(Http.get(port, "/actuatorx", null).statusCode()).isEqualTo(404);
  }

  /**
   * A read of Actuator that announces a body is answered at once and closed, its body never read:
   * Actuator reads one even for a GET, so a keyless caller sending it slowly held a thread.
   */
  @Test
  void aReadOfActuatorWithABodyIsRefusedWithoutWaitingForIt() throws Exception {
    for (String method : new String[] {"GET", "HEAD"}) {
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
        socket.setSoTimeout(20_000); // Tomcat waits 60 s for a body: an answer only after the body would time out
        socket.getOutputStream().write((method + " /actuator/health HTTP/1.1\r\nHost: x\r\nContent-Type: "
            + "application/json\r\nContent-Length: 60000\r\n\r\n{\"a\":\"").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8); // to the close
        assertThat(answer).as(method).startsWith("HTTP/1.1 400").containsIgnoringCase("connection: close");
        if (method.equals("GET")) {
          assertThat(answer).contains("\"code\":\"bad_request\"", "A GET to Actuator carries no body.");
        }
      }
    }
    assertThat(Http.get(port, "/actuator/health", null).statusCode()).isEqualTo(200); // without a body, as before
  }

  @Autowired
  @org.springframework.beans.factory.annotation.Qualifier("monetizeFilter")
  org.springframework.boot.web.servlet.DelegatingFilterProxyRegistrationBean filter;

  @Test
  void theFilterRunsBeforeSpringSecuritysChainOnEveryPath() {
    assertThat(filter.getOrder())
        .isLessThan(org.springframework.boot.autoconfigure.security.SecurityProperties.DEFAULT_FILTER_ORDER);
    assertThat(filter.getUrlPatterns()).containsExactly("/*");
  }

  @Test
  void theInMemoryDefaultsAreUsedWithoutRedisOrADataSource() {
    assertThat(limiterStores.getIfAvailable()).isNull();
  }
}
