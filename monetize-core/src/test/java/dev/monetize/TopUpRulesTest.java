package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.keys.ApiKeys;
import dev.monetize.keys.KeyEnvironment;
import dev.monetize.management.ManagementApi;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A top-up goes to a wallet that will be spent: an organization whose plan is invoiced (and stays so)
 * is refused one, since its invoices bill every call and the balance would sit unspent.
 */
class TopUpRulesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String operator = ApiKeys.newSecret(KeyEnvironment.LIVE, new SecureRandom());
  private final Operation stats = Operation.builder("stats", "GET", "/v1/stats").scope("stats").build();
  private final Monetize monetize = Monetize.builder().catalog(Catalog.builder()
      .plan(Plan.builder("pro").rank(1).rate(Rate.perSecond(100)).quota(Quota.daily(1_000)).scopes("*").build())
      .plan(Plan.builder("payg").rank(2).rate(Rate.perSecond(100)).quota(Quota.daily(1_000)).scopes("*").prepaid(true).build())
      .operation(stats).build()).operatorKey(operator).build();

  @AfterEach
  void close() {
    monetize.close();
  }

  private ManagementApi.Response call(String method, String path, String body) {
    return ManagementCalls.call(monetize, method, path, operator, body);
  }

  private static JsonNode json(ManagementApi.Response r) throws Exception {
    return JSON.readTree(r.body());
  }

  private ManagementApi.Response topUp(String org, String amount, String id) {
    return call("POST", "/monetize/credits", "{\"customer_id\":\"" + org + "\",\"amount\":\"" + amount + "\""
        + (id == null ? "" : ",\"id\":\"" + id + "\"") + "}");
  }

  @Test
  void aWalletThatWouldNeverBeSpentIsNotToppedUp() throws Exception {
    monetize.customers().save(Customer.of("invoiced", "pro"));
    monetize.customers().save(Customer.of("paying", "payg"));
    ManagementApi.Response refused = topUp("invoiced", "5.00", null);
    assertThat(refused.status()).isEqualTo(409);
    JsonNode problem = json(refused);
    assertThat(problem.get("code").asText()).isEqualTo("plan_not_prepaid");
    assertThat(problem.get("detail").asText()).contains("'invoiced'").contains("'pro'").contains("prepaid plan");
    assertThat(monetize.wallet().balance("invoiced")).isZero();
    assertThat(topUp("paying", "5.00", null).status()).isEqualTo(201);
    assertThat(monetize.wallet().balance("paying")).isEqualByComparingTo("5");

    // a move to a prepaid plan scheduled for the period's end: the top-up ahead of it is taken
    assertThat(call("PATCH", "/monetize/organizations/invoiced", "{\"plan\":\"payg\",\"at\":\"period_end\"}").status())
        .isEqualTo(200);
    assertThat(topUp("invoiced", "5.00", null).status()).isEqualTo(201);
    // the other way: a balance left behind by a move to an invoiced plan can still be taken back
    monetize.customers().save(Customer.of("paying", "pro"));
    assertThat(topUp("paying", "1.00", null).status()).isEqualTo(409);
    assertThat(topUp("paying", "-5.00", null).status()).isEqualTo(201);
    assertThat(monetize.wallet().balance("paying")).isZero();
  }

  @Test
  void anEntrysIdIsAnIdempotencyKeyNotAText() throws Exception {
    monetize.customers().save(Customer.of("paying", "payg"));
    for (String id : new String[] {"<b>x</b>", "../x", "a b", "x".repeat(65)}) {
      ManagementApi.Response r = topUp("paying", "1.00", id);
      assertThat(r.status()).as(id).isEqualTo(400);
      assertThat(json(r).get("detail").asText()).as(id).startsWith("id: 1 to 64 letters");
    }
    assertThat(topUp("paying", "1.00", "order-2026.12:7_x").status()).isEqualTo(201);
    assertThat(topUp("paying", "1.00", "order-2026.12:7_x").status()).isEqualTo(200); // the same entry again
    assertThat(monetize.wallet().balance("paying")).isEqualByComparingTo("1");
    // an entry applied from code (or before ids followed these rules) still answers its retries
    monetize.wallet().topUp("paying", new java.math.BigDecimal("2"), "invoice#7/2026", "");
    ManagementApi.Response retry = topUp("paying", "2", "invoice#7/2026");
    assertThat(retry.status()).isEqualTo(200);
    assertThat(json(retry).get("applied").asBoolean()).isFalse();
  }

  /** A retry of an entry applied while the plan was prepaid answers that entry after a move to an invoiced plan. */
  @Test
  void aRetryAnswersItsEntryWhateverThePlanIsNow() throws Exception {
    monetize.customers().save(Customer.of("paying", "payg"));
    assertThat(topUp("paying", "5.00", "inv-9").status()).isEqualTo(201);
    monetize.customers().save(Customer.of("paying", "pro"));
    ManagementApi.Response retry = topUp("paying", "5.00", "inv-9");
    assertThat(retry.status()).isEqualTo(200);
    assertThat(json(retry).get("applied").asBoolean()).isFalse();
    assertThat(topUp("paying", "5.00", "inv-10").status()).isEqualTo(409); // a new one is refused
    assertThat(monetize.wallet().balance("paying")).isEqualByComparingTo("5");
  }
}
