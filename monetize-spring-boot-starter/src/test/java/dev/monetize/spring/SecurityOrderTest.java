package dev.monetize.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.app.TestApplication;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.Monetize;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.Customer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * With Spring Security in the application: the API's routes are judged by their key first (a
 * missing key is Monetize's problem JSON, not Security's challenge), and the service's own pages
 * stay Security's.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"monetize.use-redis=false", "monetize.use-data-source=false", "monetize.environment=test",
        "monetize.pass-through=/admin", "spring.security.user.name=ops", "spring.security.user.password=s3cret-ops",
        "spring.autoconfigure.exclude=org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration"})
class SecurityOrderTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @LocalServerPort
  int port;
  @Autowired
  Monetize monetize;

  private HttpResponse<String> get(String path, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void apiRoutesAreJudgedByTheirKeyFirstAndTheServicesPagesBySecurity() throws Exception {
    HttpResponse<String> noKey = get("/v1/hello", null);
    assertThat(noKey.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(noKey.body()).get("code").asText()).isEqualTo("key_missing");
    assertThat(noKey.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
        h -> assertThat(h).startsWith("Bearer"));

    monetize.customers().save(new Customer("secured", "pro", BillingAnchor.DEFAULT, "secured"));
    String key = monetize.keys().issue("secured", Set.of("hello:read")).secret();
    HttpResponse<String> hello = get("/v1/hello", "Bearer " + key);
    assertThat(hello.statusCode()).isEqualTo(200);
    // Security's own no-store headers survive: the engine's private is only for an answer with none
    assertThat(hello.headers().allValues("Cache-Control")).containsExactly("no-cache, no-store, max-age=0, must-revalidate");
    // the engine's Vary once; Security's CORS filter (the app maps CORS for its reports) adds Origin and the preflight's
    assertThat(hello.headers().allValues("Vary")).filteredOn(v -> v.contains("X-API-Key")).hasSize(1);
    assertThat(hello.headers().allValues("Vary")).contains("Origin");

    HttpResponse<String> admin = get("/admin/ping", null);
    assertThat(admin.statusCode()).isEqualTo(401);
    assertThat(admin.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
        h -> assertThat(h).startsWith("Basic"));
    String basic = "Basic " + Base64.getEncoder().encodeToString("ops:s3cret-ops".getBytes());
    HttpResponse<String> adminIn = get("/admin/ping", basic);
    assertThat(adminIn.statusCode()).isEqualTo(200);
    assertThat(adminIn.body()).isEqualTo("pong"); // Optional<Principal>: empty outside the API
  }
}
