package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.keys.ApiKeys;
import dev.monetize.keys.KeyEnvironment;
import dev.monetize.management.ManagementApi;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Optional;

/** The plans and the operator's calls the tests of plan changes share: a postpaid plan and two prepaid prices. */
final class PlanChangeFixtures {
  /** basic (postpaid, 0.01 a call), payg (prepaid, 0.25) and bulk (prepaid, 0.07). */
  static final String PLANS = """
      plans:
        basic:
          rate: { count: 1000, burst: 1000 }
          quotas: [ { limit: 100000, window: month } ]
          currency: USD
          prices: {summary: {amount: "0.01", currency: USD}}
        payg:
          rank: 5
          rate: { count: 1000, burst: 1000 }
          quotas: [ { limit: 100000, window: month } ]
          prepaid: true
          prices: {summary: {amount: "0.25", currency: USD}}
        bulk:
          rank: 6
          rate: { count: 1000, burst: 1000 }
          quotas: [ { limit: 100000, window: month } ]
          prepaid: true
          prices: {summary: {amount: "0.07", currency: USD}}
      operations:
        - { id: summary, method: GET, path: /v1/summary }
      """;
  /** The operator's key the engines are built with. */
  static final String OPERATOR = ApiKeys.newSecret(KeyEnvironment.LIVE, new SecureRandom());
  private static final ObjectMapper JSON = new ObjectMapper();

  private PlanChangeFixtures() {
  }

  /** A management call as the operator, which must answer 200; its JSON. */
  static JsonNode call(Monetize m, String method, String path, String query, String body) throws Exception {
    ManagementApi.Response r = m.managementApi().handle(ManagementApi.Request.withRawQuery(method, path, query,
        Optional.of("Bearer " + OPERATOR), Optional.empty(),
        body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8), "10.0.0.9", "req"));
    JsonNode out = JSON.readTree(new String(r.body(), StandardCharsets.UTF_8));
    assertThat(r.status()).as(out.toString()).isEqualTo(200);
    return out;
  }
}
