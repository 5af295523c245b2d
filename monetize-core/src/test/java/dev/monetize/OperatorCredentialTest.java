package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.keys.ApiKeys;
import dev.monetize.keys.KeyEnvironment;
import dev.monetize.management.ManagementApi;
import dev.monetize.metering.InMemoryUsageSink;
import dev.monetize.metering.UsageSink;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The operator credential: configured, never a customer, the management API only. */
class OperatorCredentialTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String operator = ApiKeys.newSecret(KeyEnvironment.LIVE, new SecureRandom());
  private final Operation stats = Operation.builder("stats", "GET", "/v1/stats").scope("stats").build();
  private final Catalog catalog = Catalog.builder()
      .plan(Plan.builder("pro").rate(Rate.perSecond(100)).quota(Quota.daily(1_000)).scopes("*").build())
      .operation(stats).build();
  private final InMemoryUsageSink usage = UsageSink.inMemory();

  private Monetize monetize() {
    return Monetize.builder().catalog(catalog).usageSink(usage).operatorKey(operator)
        .auditSink(dev.monetize.audit.AuditSink.inMemory()).build();
  }

  private static JsonNode call(Monetize m, String method, String path, Map<String, String> query, String secret,
      String body, int status) throws Exception {
    ManagementApi.Response r = m.managementApi().handle(new ManagementApi.Request(method, path, query,
        Optional.of("Bearer " + secret), Optional.empty(), body.getBytes(StandardCharsets.UTF_8), "10.0.0.9", "r"));
    String text = new String(r.body(), StandardCharsets.UTF_8);
    assertThat(r.status()).as(text).isEqualTo(status);
    return JSON.readTree(text);
  }

  @Test
  void theOperatorManagesEveryOrganizationAndIsNoCustomerItself() throws Exception {
    try (Monetize m = monetize()) {
      JsonNode org = call(m, "POST", "/monetize/organizations", Map.of(), operator,
          "{\"name\":\"Acme\",\"plan\":\"pro\",\"id\":\"acme\"}", 201);
      assertThat(org.get("id").asText()).isEqualTo("acme");
      String customerKey = call(m, "POST", "/monetize/keys", Map.of(), operator,
          "{\"organization_id\":\"acme\",\"scopes\":[\"stats\"]}", 201).get("secret").asText();
      Admission a = m.admit(stats, ApiRequest.of("GET", "/v1/stats", "10.0.0.1", "r1", "Bearer " + customerKey, null));
      assertThat(a.decision().admitted()).isTrue();
      a.complete(200, 5);
      assertThat(call(m, "GET", "/monetize/usage", Map.of("customer_id", "acme"), operator, "", 200)
          .at("/usage/requests").asLong()).isEqualTo(1);
      // its plan is invoiced: a top-up would never be spent
      assertThat(call(m, "POST", "/monetize/credits", Map.of(), operator, "{\"customer_id\":\"acme\",\"amount\":\"5.00\"}",
          409).get("code").asText()).isEqualTo("plan_not_prepaid");
      // no usage, invoices, wallet or keys of its own: it must name an organization
      for (String path : new String[] {"/monetize/usage", "/monetize/invoices", "/monetize/credits", "/monetize/keys"}) {
        assertThat(call(m, "GET", path, Map.of(), operator, "", 400).get("detail").asText())
            .as(path).contains("belongs to no organization");
      }
      assertThat(call(m, "POST", "/monetize/tokens", Map.of(), operator, "{}", 403).get("code").asText())
          .isEqualTo("token_not_allowed");
    }
  }

  @Test
  void everyMonetizedOperationRefusesTheOperatorAndNothingIsMetered() {
    try (Monetize m = monetize()) {
      Admission a = m.admit(stats, ApiRequest.of("GET", "/v1/stats", "10.0.0.1", "r1", "Bearer " + operator, null));
      assertThat(a.decision().admitted()).isFalse();
      assertThat(a.decision().status()).isEqualTo(403);
      assertThat(a.decision().detail()).contains("is no customer");
      assertThat(a.decision().hint().orElseThrow()).contains("POST /monetize/keys"); // not "a key that holds the scope"
      a.complete(403, 0);
      assertThat(m.flushUsage()).isTrue();
      assertThat(usage.records()).isEmpty();
      assertThat(m.keys().find("operator")).isEmpty(); // configured, not a key of the store
      Decision who = m.authenticate(ApiRequest.of("GET", "/mine", "10.0.0.1", "r2", "Bearer " + operator, null), stats);
      assertThat(who.admitted()).isFalse(); // your own endpoints never see a customer that is not one
      assertThat(who.status()).isEqualTo(403);
    }
  }

  @Test
  void theCredentialMustBeAWellFormedSecretOfTheDeploymentsEnvironmentAndItsIdIsReserved() {
    assertThatThrownBy(() -> Monetize.builder().operatorKey("hunter2"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("monetize operator-key")
        .hasMessageNotContaining("hunter2");
    String test = ApiKeys.newSecret(KeyEnvironment.TEST, new SecureRandom());
    assertThatThrownBy(() -> Monetize.builder().catalog(catalog).operatorKey(test).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("mk_test_").hasMessageNotContaining(test);
    try (Monetize m = monetize()) {
      assertThatThrownBy(() -> m.customers().save(Customer.of(Principal.OPERATOR_ORGANIZATION, "pro")))
          .hasMessageContaining("reserved");
    }
  }
}
