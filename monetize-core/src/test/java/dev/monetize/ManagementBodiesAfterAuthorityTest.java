package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.keys.IssuedKey;
import dev.monetize.management.ManagementApi;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A body is read only once the caller may run the operation at all: an operator's operation tells a
 * customer nothing about how its body is checked. An operation that takes no body refuses one that is
 * not empty (or {@code {}}), as every other refuses unknown fields.
 */
class ManagementBodiesAfterAuthorityTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HookedKeyStore store = new HookedKeyStore();
  private final Monetize monetize = Monetize.builder().catalog(Catalog.builder()
      .plan(Plan.builder("pro").rate(Rate.perSecond(100).withBurst(100)).quota(Quota.daily(1_000)).scopes("*").build())
      .operation(Operation.builder("stats", "GET", "/stats").build())
      .shield(dev.monetize.shield.ShieldPolicy.defaults().deny(dev.monetize.http.Cidr.parse("203.0.113.0/24")))
      .build()).keyStore(store).build();
  private final IssuedKey admin;

  ManagementBodiesAfterAuthorityTest() {
    monetize.customers().save(Customer.of("acme", "pro"));
    admin = monetize.keys().issue("acme", Set.of("*"));
  }

  @AfterEach
  void close() {
    monetize.close();
  }

  private JsonNode call(String method, String path, String body) throws Exception {
    ManagementApi.Response r = ManagementCalls.call(monetize, method, path, admin.secret(), body);
    com.fasterxml.jackson.databind.node.ObjectNode n = (com.fasterxml.jackson.databind.node.ObjectNode)
        JSON.readTree(r.body());
    assertThat(n.path("status").asInt(r.status())).isEqualTo(r.status());
    return n.put("http_status", r.status());
  }

  @Test
  void aCustomerLearnsNothingOfAnOperatorsBody() throws Exception {
    for (String body : new String[] {"{}", "{\"plan\":1}", "not json", "{\"customer_id\":\"acme\"}"}) {
      JsonNode n = call("POST", "/monetize/credits", body);
      assertThat(n.path("http_status").asInt()).as(body).isEqualTo(403);
      assertThat(n.path("code").asText()).isEqualTo("scope_denied");
      assertThat(n.path("detail").asText()).doesNotContain("customer_id").doesNotContain("allowed");
    }
    assertThat(call("POST", "/monetize/organizations", "{\"nme\":1}").path("code").asText()).isEqualTo("scope_denied");
  }

  @Test
  void anOperationWithoutABodyRefusesOneButTakesNothingOrAnEmptyObject() throws Exception {
    IssuedKey a = monetize.keys().issue("acme", Set.of("stats:read"));
    IssuedKey b = monetize.keys().issue("acme", Set.of("stats:read"));
    String revokeA = "/monetize/keys/" + a.key().id() + "/revoke";
    assertThat(call("POST", revokeA, "not json").path("http_status").asInt()).isEqualTo(400);
    JsonNode unknown = call("POST", revokeA, "{\"x\":1}");
    assertThat(unknown.path("http_status").asInt()).isEqualTo(400);
    assertThat(unknown.path("detail").asText()).contains("Unknown field 'x'");
    assertThat(monetize.keys().find(a.key().id()).orElseThrow().status().name()).isEqualTo("ACTIVE"); // refused: not done
    assertThat(call("POST", revokeA, "{}").path("http_status").asInt()).isEqualTo(200);
    assertThat(call("POST", "/monetize/keys/" + b.key().id() + "/revoke", "").path("http_status").asInt()).isEqualTo(200);
    assertThat(call("GET", "/monetize/usage", "{\"customer_id\":\"globex\"}").path("http_status").asInt()).isEqualTo(400);
    assertThat(call("GET", "/monetize/usage", "{}").path("http_status").asInt()).isEqualTo(200);
  }

  @Test
  void anAddressTheShieldRefusesCostsNoCredentialLookupBeforeTheBody() {
    java.security.SecureRandom random = new java.security.SecureRandom();
    int before = store.lookups.get();
    for (int i = 0; i < 20; i++) {
      String wellFormed = dev.monetize.keys.ApiKeys.newSecret(dev.monetize.keys.KeyEnvironment.LIVE, random);
      Optional<ManagementApi.Response> early = monetize.managementApi().answerBeforeBody(new ManagementApi.Request(
          "POST", "/monetize/keys", Map.of(), Optional.of("Bearer " + wellFormed), Optional.empty(), new byte[0],
          "203.0.113.7", "req"), 10);
      assertThat(early).isPresent();
      assertThat(early.get().status()).isEqualTo(403);
    }
    assertThat(store.lookups.get()).isEqualTo(before);
    assertThat(monetize.metrics().shieldDenied()).isEqualTo(20); // each refusal counted once
  }

  @Test
  void aStoreFailingWhileTheCredentialIsCheckedFailsTheCallWhichNeverRunsWithoutItsBody() throws Exception {
    IssuedKey fresh = monetize.keys().issue("acme", Set.of("stats:read"));
    store.failing.set(1); // the check before the body meets the failure; the store is back right after
    Optional<ManagementApi.Response> early = monetize.managementApi().answerBeforeBody(new ManagementApi.Request(
        "POST", "/monetize/tokens", Map.of(), Optional.of("Bearer " + fresh.secret()), Optional.empty(), new byte[0],
        "10.0.0.9", "req"), 30);
    assertThat(early).isPresent();
    assertThat(early.get().status()).isEqualTo(500);
    assertThat(new String(early.get().body(), java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("token\"");
    // with the body, once the store answers, the same call mints the token it asks for
    ManagementApi.Response minted = ManagementCalls.call(monetize, "POST", "/monetize/tokens", fresh.secret(),
        "{\"scopes\":[\"stats:read\"]}");
    assertThat(minted.status()).isEqualTo(200);
  }
}
