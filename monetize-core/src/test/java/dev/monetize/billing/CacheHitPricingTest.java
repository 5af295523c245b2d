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

/** An operation that prices its cache hits bills them at their price and its calls as the misses. */
class CacheHitPricingTest {
  private static final Catalog CATALOG = CatalogLoader.parse("plans.yaml", """
      plans:
        pro:
          rate: {count: 10}
          quotas: [{limit: 1000000, window: month}]
          currency: USD
          prices:
            summary:
              calls: {model: per_unit, unit: "0.01"}
              cache_hits: {model: per_unit, unit: "0.001"}
            export:
              calls: {model: per_unit, unit: "0.10"}
      operations:
        - {id: summary, method: GET, path: /s}
        - {id: export, method: GET, path: /e}
      """);

  @Test
  void hitsArePricedApartAndCallsBillTheMisses() {
    Instant at = Instant.parse("2026-03-05T00:00:00Z");
    List<UsageRecord> usage = List.of(
        new UsageRecord("acme", "k", "summary", 200, false, at, at.plusSeconds(1), 100, 0, 0, 0, 0,
            Map.of("cache_hits", 80L)),
        new UsageRecord("acme", "k", "export", 200, false, at, at.plusSeconds(1), 10, 0, 0, 0, 0,
            Map.of("cache_hits", 4L))); // export prices no hits: every call is billed as a call
    Invoice inv = Invoicing.draft(CATALOG, "acme", BillingAnchor.DEFAULT, at,
        List.of(new PlanChange("acme", "pro", Instant.parse("2026-01-01T00:00:00Z"))), UsageTotals.of(usage)).orElseThrow();
    assertThat(inv.lines()).extracting(l -> l.description() + " | " + l.quantity() + " | " + l.amount())
        .containsExactly(
            "export (calls) | 10 | 1.00",
            "summary (calls) | 20 | 0.20", // the 20 misses at 0.01
            "summary (cache_hits) | 80 | 0.08"); // the 80 hits at 0.001
    assertThat(inv.total()).isEqualByComparingTo("1.28");
  }
}
