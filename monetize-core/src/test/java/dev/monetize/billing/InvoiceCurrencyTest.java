package dev.monetize.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.config.CatalogLoader;
import dev.monetize.metering.UsageRecord;
import dev.monetize.metering.UsageTotals;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.Catalog;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A plan without a currency of its own bills in that of the priced operations it can call, never another's. */
class InvoiceCurrencyTest {
  private static final Catalog CATALOG = CatalogLoader.parse("plans.yaml", """
      plans:
        free:
          rate: {count: 10}
          quotas: [{limit: 1000000, window: month}]
          scopes: ["stats:*"]
        admin:
          rank: 10
          rate: {count: 10}
          quotas: [{limit: 1000000, window: month}]
          scopes: ["admin:*"]
      operations:
        - {id: admin, method: GET, path: /a, scope: "admin:x", price: {amount: "5", currency: JPY}}
        - {id: summary, method: GET, path: /s, scope: "stats:read", price: {amount: "0.01", currency: USD}}
      """);

  @Test
  void anOperationThePlanCannotCallNeverChoosesItsCurrency() {
    Instant at = Instant.parse("2026-03-10T00:00:00Z");
    UsageRecord calls = new UsageRecord("acme", "k", "summary", 200, false, at, at.plusSeconds(1), 1_250, 0, 0, 0, 0,
        Map.of());
    Invoice invoice = Invoicing.draft(CATALOG, "acme", BillingAnchor.DEFAULT, at,
        List.of(new PlanChange("acme", "free", Instant.parse("2026-01-01T00:00:00Z"))),
        UsageTotals.of(List.of(calls))).orElseThrow();
    assertThat(invoice.currency().getCurrencyCode()).isEqualTo("USD"); // it was JPY: the first priced operation
    assertThat(invoice.total()).isEqualByComparingTo("12.50");
    assertThat(CATALOG.currencyOf(CATALOG.plan("free").orElseThrow())).hasValueSatisfying(
        c -> assertThat(c.getCurrencyCode()).isEqualTo("USD"));
    assertThat(CATALOG.currencyOf(CATALOG.plan("admin").orElseThrow())).hasValueSatisfying(
        c -> assertThat(c.getCurrencyCode()).isEqualTo("JPY"));
  }
}
