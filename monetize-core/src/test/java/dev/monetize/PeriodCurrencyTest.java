package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.monetize.config.CatalogLoader;
import dev.monetize.keys.ApiKeys;
import dev.monetize.keys.IssuedKey;
import dev.monetize.keys.KeyEnvironment;
import dev.monetize.management.ManagementApi;
import dev.monetize.plans.Customer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * An invoice has one currency: a plan change now is refused when a plan the customer was on earlier in
 * the period bills in another, even with a plan of no currency between (USD, free, EUR made a period
 * no invoice could bill: drafts answered 500 and the period was never finalized).
 */
class PeriodCurrencyTest {
  private static final String PLANS = """
      plans:
        usd: { rate: { count: 1000 }, quotas: [ { limit: 100000, window: month } ], currency: USD, fee: "30.00" }
        free: { rank: 5, rate: { count: 1000 }, quotas: [ { limit: 100000, window: month } ] }
        eur: { rank: 10, rate: { count: 1000 }, quotas: [ { limit: 100000, window: month } ], currency: EUR, fee: "40.00" }
      operations:
        - { id: summary, method: GET, path: /v1/summary }
      """;

  /** The status and body of {@code method path} with {@code secret}. */
  private static String call(Monetize m, String method, String path, String body, String secret) {
    ManagementApi.Response r = ManagementCalls.call(m, method, path, secret, body == null ? "" : body);
    return r.status() + " " + new String(r.body(), StandardCharsets.UTF_8);
  }

  @Test
  void aChangeNowToAnotherCurrencyThanAnEarlierPlanOfThePeriodIsRefusedOverHttpAndInJava() {
    ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-03-01T00:00:00Z"));
    String operator = ApiKeys.newSecret(KeyEnvironment.LIVE, new SecureRandom());
    try (Monetize m = Monetize.builder().catalog(CatalogLoader.parse("plans.yaml", PLANS)).timeSource(time)
        .operatorKey(operator).build()) {
      m.customers().save(Customer.of("acme", "usd"));
      IssuedKey key = m.keys().issue("acme", Set.of("*"));
      time.set(Instant.parse("2026-03-11T00:00:00Z"));
      assertThat(call(m, "PATCH", "/monetize/organizations/acme", "{\"plan\": \"free\"}", operator)).startsWith("200 ");
      time.set(Instant.parse("2026-03-12T00:00:00Z"));
      assertThat(call(m, "PATCH", "/monetize/organizations/acme", "{\"plan\": \"eur\"}", operator))
          .startsWith("400 ").contains("'usd', which customer acme was on in this period").contains("period_end");
      assertThatThrownBy(() -> m.customers().save(Customer.of("acme", "eur")))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("an invoice has one currency");
      assertThat(call(m, "GET", "/monetize/invoices/draft", null, key.secret())).startsWith("200 ").contains("USD");
      assertThat(call(m, "PATCH", "/monetize/organizations/acme", "{\"plan\": \"eur\", \"at\": \"period_end\"}",
          operator)).startsWith("200 ");

      time.set(Instant.parse("2026-04-02T00:00:00Z")); // the next period: March's invoice is USD alone
      assertThat(call(m, "GET", "/monetize/invoices", null, key.secret())).startsWith("200 ").contains("\"USD\"")
          .contains("\"EUR\"");
      m.customers().save(Customer.of("acme", "free")); // back to no currency, and on to EUR within April: one currency
      assertThat(call(m, "PATCH", "/monetize/organizations/acme", "{\"plan\": \"eur\"}", operator)).startsWith("200 ");
    }
  }
}
