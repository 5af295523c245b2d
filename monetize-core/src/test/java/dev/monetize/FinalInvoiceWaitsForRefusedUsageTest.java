package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.keys.IssuedKey;
import dev.monetize.management.ManagementApi;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Price;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A period is finalized only once its usage is in the totals: while the usage sink refuses a
 * delivery (a webhook, an export, the ledger's database), the period's invoice stays a draft, and is
 * finalized with every call once the sink takes them (it was finalized without them, for good).
 */
class FinalInvoiceWaitsForRefusedUsageTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-03-01T00:00:00Z"));
  private final Operation summary = Operation.builder("summary", "GET", "/v1/stats/summary").build();

  @Test
  void anEndedPeriodWaitsForTheUsageTheSinkRefused() throws Exception {
    AtomicBoolean down = new AtomicBoolean(false);
    dev.monetize.metering.UsageSink sink = batch -> {
      if (down.get()) {
        throw new java.io.IOException("provider down");
      }
    };
    Plan basic = Plan.builder("basic").rate(Rate.perSecond(10_000).withBurst(10_000)).quota(Quota.monthly(1_000_000))
        .fee(Price.of("30.00", "USD", "period")).price("summary", Price.of("0.01", "USD", "call")).build();
    try (Monetize m = Monetize.builder().catalog(Catalog.builder().plan(basic).operation(summary).build())
        .timeSource(time).usageSink(sink).auditSink(b -> { }).build()) {
      m.customers().save(new Customer("acme", "basic", BillingAnchor.of(1, ZoneOffset.UTC), "acme"));
      IssuedKey k = m.keys().issue("acme", Set.of("*"));
      down.set(true);
      time.set(Instant.parse("2026-03-31T23:00:00Z"));
      for (int i = 0; i < 1_000; i++) {
        m.admit(summary, ApiRequest.of("GET", summary.pathTemplate(), "10.0.0.1", "r" + i, "Bearer " + k.secret(), null))
            .complete(200, 10);
      }
      m.flushUsage(); // refused
      time.set(Instant.parse("2026-04-01T01:00:01Z")); // past the grace
      assertThat(invoices(m, k).findValuesAsText("status")).as("nothing final while calls wait").doesNotContain("final");

      down.set(false);
      m.flushUsage();
      JsonNode march = null;
      for (JsonNode i : invoices(m, k).path("data")) {
        if (i.path("period_start").asText().equals("2026-03-01T00:00:00Z")) {
          march = i;
        }
      }
      assertThat(march).isNotNull();
      assertThat(march.path("status").asText()).isEqualTo("final");
      assertThat(march.path("total").asText()).isEqualTo("40.00"); // the fee and every call
    }
  }

  private static JsonNode invoices(Monetize m, IssuedKey k) throws Exception {
    ManagementApi.Response r = m.managementApi().handle(new ManagementApi.Request("GET", "/monetize/invoices", Map.of(),
        Optional.of("Bearer " + k.secret()), Optional.empty(), new byte[0], "10.0.0.9", "req"));
    assertThat(r.status()).isEqualTo(200);
    return JSON.readTree(new String(r.body(), StandardCharsets.UTF_8));
  }
}
