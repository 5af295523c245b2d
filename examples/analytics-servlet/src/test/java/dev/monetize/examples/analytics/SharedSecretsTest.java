package dev.monetize.examples.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.keys.CustomerStore;
import dev.monetize.keys.KeyStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two processes of one deployment (here two servers on the same key and customer stores) share the
 * operator's credential and the tokens' secret when the environment names them: a token minted on
 * one is taken by the other. Without the secret, each signs its own.
 */
class SharedSecretsTest {
  private final KeyStore keys = KeyStore.inMemory();
  private final CustomerStore customers = CustomerStore.inMemory();
  private final List<AnalyticsServer> servers = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    servers.forEach(AnalyticsServer::close);
  }

  private AnalyticsServer start(DemoSecrets secrets) throws Exception {
    AnalyticsServer s = AnalyticsServer.builder().port(0).keyStore(keys).customerStore(customers).secrets(secrets)
        .start();
    servers.add(s);
    return s;
  }

  private HttpResponse<String> send(AnalyticsServer s, String method, String path, String credential, String body)
      throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
        .header("Authorization", "Bearer " + credential).method(method, body == null
            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String token(AnalyticsServer s) throws Exception {
    HttpResponse<String> minted = send(s, "POST", "/monetize/tokens", s.demoKeys().get("pro"),
        "{\"scopes\":[\"stats:read\"],\"ttl_seconds\":300}");
    assertThat(minted.statusCode()).as(minted.body()).isEqualTo(200);
    return new ObjectMapper().readTree(minted.body()).path("token").asText();
  }

  @Test
  void aTokenMintedOnOneProcessIsTakenByTheOtherWhenTheyShareTheSecret() throws Exception {
    Map<String, String> env = Map.of("MONETIZE_TOKEN_SECRET", "s".repeat(40),
        "MONETIZE_OPERATOR_KEY", DemoService.newOperatorKey());
    AnalyticsServer a = start(DemoSecrets.fromEnvironment(env));
    AnalyticsServer b = start(DemoSecrets.fromEnvironment(env));
    assertThat(a.demoKeys().get("admin")).isEqualTo(b.demoKeys().get("admin"))
        .isEqualTo(env.get("MONETIZE_OPERATOR_KEY"));
    String token = token(a);
    assertThat(send(b, "GET", "/v1/stats/summary", token, null).statusCode()).isEqualTo(200);
    HttpResponse<String> operator = send(b, "GET", "/monetize/usage?customer_id=demo-pro", a.demoKeys().get("admin"),
        null);
    assertThat(operator.statusCode()).as(operator.body()).isEqualTo(200); // the operator is one on both
  }

  @Test
  void withoutTheSecretEachProcessSignsItsOwn() throws Exception {
    AnalyticsServer a = start(DemoSecrets.fresh());
    AnalyticsServer b = start(DemoSecrets.fresh());
    String token = token(a);
    assertThat(send(a, "GET", "/v1/stats/summary", token, null).statusCode()).isEqualTo(200);
    assertThat(send(b, "GET", "/v1/stats/summary", token, null).statusCode()).isEqualTo(401);
  }

  @Test
  void theSecretsAreNeverInTheirOwnDescription() {
    DemoSecrets s = DemoSecrets.fromEnvironment(Map.of("MONETIZE_TOKEN_SECRET", "t".repeat(40)));
    assertThat(s.toString()).doesNotContain(s.operatorKey()).doesNotContain("tttt");
  }

  @Test
  void aShortSecretIsRefusedWithWhatToDo() {
    assertThatThrownBy(() -> DemoSecrets.fromEnvironment(Map.of("MONETIZE_TOKEN_SECRET", "short")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 32 bytes, got 5");
  }
}
