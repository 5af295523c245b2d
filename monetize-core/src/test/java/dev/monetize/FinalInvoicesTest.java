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
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A period's invoice is finalized after the grace period: numbered in order, kept, immutable, listed. */
class FinalInvoicesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-03-01T00:00:00Z"));
  private final Operation summary = Operation.builder("summary", "GET", "/v1/stats/summary").build();

  private Monetize monetize() {
    Plan basic = Plan.builder("basic").rate(Rate.perSecond(10_000).withBurst(10_000)).quota(Quota.monthly(1_000_000))
        .fee(Price.of("30.00", "USD", "period")).price("summary", Price.of("0.01", "USD", "call")).build();
    return Monetize.builder().catalog(Catalog.builder().plan(basic).operation(summary).build()).timeSource(time)
        .invoiceGrace(Duration.ofHours(2)).auditSink(dev.monetize.audit.AuditSink.inMemory()).build();
  }

  private static IssuedKey customer(Monetize m, String id) {
    m.customers().save(new Customer(id, "basic", BillingAnchor.of(1, ZoneOffset.UTC), id));
    return m.keys().issue(id, Set.of("*"));
  }

  private static void calls(Monetize m, Operation op, IssuedKey k, int n) {
    for (int i = 0; i < n; i++) {
      Admission a = m.admit(op, ApiRequest.of("GET", op.pathTemplate(), "10.0.0.1", "r" + i, "Bearer " + k.secret(), null));
      assertThat(a.decision().admitted()).isTrue();
      a.complete(200, 10);
    }
  }

  private static ManagementApi.Response raw(Monetize m, IssuedKey k, String path, Map<String, String> query) {
    return m.managementApi().handle(new ManagementApi.Request("GET", path, query, Optional.of("Bearer " + k.secret()),
        Optional.empty(), new byte[0], "10.0.0.9", "req"));
  }

  private static JsonNode get(Monetize m, IssuedKey k, String path, int status) throws Exception {
    ManagementApi.Response r = raw(m, k, path, Map.of());
    String body = new String(r.body(), StandardCharsets.UTF_8);
    assertThat(r.status()).as(body).isEqualTo(status);
    return JSON.readTree(body);
  }

  @Test
  void theLastPeriodIsFinalizedAfterTheGraceNumberedInOrderAndKeptAsItWas() throws Exception {
    try (Monetize m = monetize()) {
      IssuedKey acme = customer(m, "acme");
      IssuedKey globex = customer(m, "globex");
      time.set(Instant.parse("2026-03-10T00:00:00Z"));
      calls(m, summary, acme, 150);
      calls(m, summary, globex, 10);
      JsonNode marchDraft = get(m, acme, "/monetize/invoices/draft", 200);
      // within the grace period: April's draft only, March not final yet
      time.set(Instant.parse("2026-04-01T01:59:59Z"));
      JsonNode early = get(m, acme, "/monetize/invoices", 200);
      assertThat(early.path("data")).hasSize(1);
      assertThat(early.path("data").get(0).path("id").asText()).isEqualTo("draft");
      assertThat(early.path("data").get(0).path("period_start").asText()).isEqualTo("2026-04-01T00:00:00Z");
      // after it: March is final, numbered, with the draft's lines; the first to ask is numbered first
      time.set(Instant.parse("2026-04-01T02:00:00Z"));
      JsonNode list = get(m, globex, "/monetize/invoices", 200);
      assertThat(list.path("data").get(1).path("number").asText()).isEqualTo("INV-000001");
      list = get(m, acme, "/monetize/invoices", 200);
      assertThat(list.path("data")).hasSize(2);
      JsonNode summaryLine = list.path("data").get(1);
      assertThat(summaryLine.path("id").asText()).isEqualTo("INV-000002");
      assertThat(summaryLine.path("status").asText()).isEqualTo("final");
      assertThat(summaryLine.path("period_start").asText()).isEqualTo("2026-03-01T00:00:00Z");
      assertThat(summaryLine.path("total").asText()).isEqualTo("31.50"); // 30.00 + 150 x 0.01
      JsonNode march = get(m, acme, "/monetize/invoices/INV-000002", 200);
      assertThat(march.path("number").asText()).isEqualTo("INV-000002");
      assertThat(march.path("status").asText()).isEqualTo("final");
      assertThat(march.path("lines")).isEqualTo(marchDraft.path("lines"));
      assertThat(march.path("amount_due").asText()).isEqualTo("31.50");
      // immutable: asking again, later, changes nothing and numbers nothing new
      time.set(Instant.parse("2026-04-20T00:00:00Z"));
      calls(m, summary, acme, 5);
      assertThat(get(m, acme, "/monetize/invoices/INV-000002", 200)).isEqualTo(march);
      assertThat(get(m, acme, "/monetize/invoices", 200).path("data")).hasSize(2);
      // another customer's number is nobody's business
      get(m, globex, "/monetize/invoices/INV-000002", 404);
      get(m, acme, "/monetize/invoices/INV-000003", 404);
      ManagementApi.Response html = raw(m, acme, "/monetize/invoices/INV-000002", Map.of("format", "html"));
      assertThat(new String(html.body(), StandardCharsets.UTF_8)).contains("<h1>Invoice INV-000002</h1>")
          .contains("Amount due");
      assertThat(html.headers()).extracting(h -> h.name() + ": " + h.value()).contains(
          "X-Content-Type-Options: nosniff",
          "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
      // numbers we never give are nobody's; ids a store could choke on are refused before any lookup
      get(m, acme, "/monetize/invoices/INV-2", 404);
      get(m, acme, "/monetize/invoices/INV-000002x", 404);
      ManagementApi.Response nul = raw(m, acme, "/monetize/invoices", Map.of("customer_id", "acme\u0000"));
      assertThat(nul.status()).isEqualTo(400);
      assertThat(JSON.readTree(nul.body()).path("code").asText()).isEqualTo("bad_request");
      assertThat(raw(m, acme, "/monetize/invoices", Map.of("limit", "1")).status()).isEqualTo(200);
      assertThat(JSON.readTree(raw(m, acme, "/monetize/invoices", Map.of("limit", "1")).body()).path("data"))
          .hasSize(1);
    }
  }

  @Test
  void aSharedHistoryIsNeverFinalizedFromOneNodesMemory() throws Exception {
    dev.monetize.billing.BillingHistory inMemory = dev.monetize.billing.BillingHistory.inMemory();
    dev.monetize.billing.BillingHistory shared = (dev.monetize.billing.BillingHistory) java.lang.reflect.Proxy
        .newProxyInstance(getClass().getClassLoader(), new Class<?>[] {dev.monetize.billing.BillingHistory.class},
            (proxy, method, args) -> method.getName().equals("shared") ? Boolean.TRUE : method.invoke(inMemory, args));
    Plan basic = Plan.builder("basic").rate(Rate.perSecond(10_000).withBurst(10_000)).quota(Quota.monthly(1_000_000))
        .fee(Price.of("30.00", "USD", "period")).build();
    try (Monetize m = Monetize.builder().catalog(Catalog.builder().plan(basic).operation(summary).build())
        .timeSource(time).billingHistory(shared).auditSink(dev.monetize.audit.AuditSink.inMemory()).build()) {
      IssuedKey acme = customer(m, "acme");
      time.set(Instant.parse("2026-04-02T00:00:00Z"));
      // this node's memory holds only its own calls: a numbered invoice from it would be wrong forever
      assertThat(get(m, acme, "/monetize/invoices", 200).path("data")).hasSize(1);
      assertThat(shared.invoices("acme", 10)).isEmpty();
    }
  }

  /** A ledger every node would share: a sink that answers totals. */
  static final class Ledger implements dev.monetize.metering.UsageSink, dev.monetize.metering.UsageTotals {
    final java.util.List<dev.monetize.metering.UsageRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void accept(java.util.List<dev.monetize.metering.UsageRecord> batch) {
      records.addAll(batch);
    }

    @Override
    public Totals totals(String customerId, Instant from, Instant to) {
      return dev.monetize.metering.UsageTotals.of(records).totals(customerId, from, to);
    }
  }

  @Test
  void withASharedLedgerEveryPeriodNobodyAskedAboutIsFinalizedOldestFirst() throws Exception {
    Plan basic = Plan.builder("basic").rate(Rate.perSecond(10_000).withBurst(10_000)).quota(Quota.monthly(1_000_000))
        .fee(Price.of("30.00", "USD", "period")).price("summary", Price.of("0.01", "USD", "call")).build();
    try (Monetize m = Monetize.builder().catalog(Catalog.builder().plan(basic).operation(summary).build())
        .timeSource(time).usageSink(new Ledger()).auditSink(dev.monetize.audit.AuditSink.inMemory()).build()) {
      IssuedKey acme = customer(m, "acme");
      time.set(Instant.parse("2026-03-10T00:00:00Z"));
      calls(m, summary, acme, 100);
      time.set(Instant.parse("2026-04-10T00:00:00Z"));
      calls(m, summary, acme, 200);
      m.flushUsage();
      time.set(Instant.parse("2026-06-03T00:00:00Z")); // March, April and May ended; nobody asked
      JsonNode list = get(m, acme, "/monetize/invoices", 200);
      assertThat(list.path("data")).extracting(n -> n.path("id").asText() + " " + n.path("period_start").asText()
          + " " + n.path("total").asText()).containsExactly(
              "draft 2026-06-01T00:00:00Z 30.00",
              "INV-000003 2026-05-01T00:00:00Z 30.00",
              "INV-000002 2026-04-01T00:00:00Z 32.00",
              "INV-000001 2026-03-01T00:00:00Z 31.00");
    }
  }

  @Test
  void aCustomerCreatedAfterAPeriodGetsNoInvoiceForIt() throws Exception {
    try (Monetize m = monetize()) {
      time.set(Instant.parse("2026-04-05T00:00:00Z"));
      IssuedKey late = customer(m, "late");
      calls(m, summary, late, 2);
      JsonNode list = get(m, late, "/monetize/invoices", 200);
      assertThat(list.path("data")).hasSize(1);
      assertThat(list.path("data").get(0).path("id").asText()).isEqualTo("draft");
    }
  }

  /** Final invoices of {@code k}'s customer as [start, end) pairs, oldest first. */
  private static java.util.List<Instant[]> finals(Monetize m, IssuedKey k) throws Exception {
    java.util.List<Instant[]> out = new java.util.ArrayList<>();
    for (JsonNode inv : get(m, k, "/monetize/invoices", 200).path("data")) {
      if (!inv.path("id").asText().equals("draft")) {
        out.add(0, new Instant[] {Instant.parse(inv.path("period_start").asText()),
            Instant.parse(inv.path("period_end").asText())});
      }
    }
    return out;
  }

  @Test
  void aBillingDayMovesOnlyBeforeTheFirstFinalInvoiceSoPeriodsNeverOverlapNorLeaveAGap() throws Exception {
    try (Monetize m = monetize()) {
      // moved before any invoice is final: the periods follow the new day, from the first plan change on
      m.customers().save(new Customer("acme", "basic", BillingAnchor.of(15, ZoneOffset.UTC), "acme"));
      IssuedKey acme = m.keys().issue("acme", Set.of("*"));
      time.set(Instant.parse("2026-03-20T00:00:00Z"));
      m.customers().save(new Customer("acme", "basic", BillingAnchor.of(1, ZoneOffset.UTC), "acme"));
      time.set(Instant.parse("2026-04-01T03:00:00Z"));
      assertThat(finals(m, acme)).hasSize(1);
      time.set(Instant.parse("2026-05-01T03:00:00Z"));
      java.util.List<Instant[]> periods = finals(m, acme);
      assertThat(periods).hasSize(2);
      assertThat(periods.get(0)[0]).isEqualTo(Instant.parse("2026-03-01T00:00:00Z")); // prorated from 03-01
      assertThat(periods.get(0)[1]).isEqualTo(periods.get(1)[0]);
      assertThat(periods.get(1)[1]).isEqualTo(Instant.parse("2026-05-01T00:00:00Z"));
      // once one is final, a move is refused (15th to 1st billed 1-15 April twice; 1st to 15th, never)
      for (int day : new int[] {15, 28}) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> m.customers().save(new Customer("acme", "basic",
            BillingAnchor.of(day, ZoneOffset.UTC), "acme")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("customer acme has a final invoice: its billing day and zone (1, UTC) cannot change any more; "
                + "keep them, or bill it as a new customer");
      }
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> m.customers().save(new Customer("acme", "basic",
          BillingAnchor.of(1, java.time.ZoneId.of("Europe/Paris")), "acme"))).isInstanceOf(IllegalArgumentException.class);
      m.customers().save(new Customer("acme", "basic", BillingAnchor.of(1, java.time.ZoneId.of("Etc/UTC")), "acme"));
      // another name of the same zone moves nothing, and the rest may change
      m.customers().save(new Customer("acme", "basic", BillingAnchor.of(1, ZoneOffset.UTC), "ACME Corp."));
      assertThat(m.customers().find("acme").orElseThrow().name()).isEqualTo("ACME Corp.");
      time.set(Instant.parse("2026-06-01T03:00:00Z"));
      assertThat(finals(m, acme)).hasSize(3).last().satisfies(p -> assertThat(p[0]).isEqualTo(
          Instant.parse("2026-05-01T00:00:00Z")));
    }
  }
}
