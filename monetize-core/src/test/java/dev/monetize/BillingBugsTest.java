package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.billing.BillingHistory;
import dev.monetize.billing.WalletEntry;
import dev.monetize.billing.WalletEntryRefusedException;
import dev.monetize.keys.IssuedKey;
import dev.monetize.limits.LimiterStore;
import dev.monetize.management.ManagementApi;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Price;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The billing mistakes found by reading, one named test each (the rounding and proration ones live in PriceModelTest). */
class BillingBugsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-03-01T00:00:00Z"));
  private final Operation summary = Operation.builder("summary", "GET", "/v1/stats/summary").build();
  private final Catalog catalog = Catalog.builder()
      .plan(plan("basic", 1).fee(Price.of("30.00", "USD", "period")).price("summary", Price.of("0.01", "USD", "call")).build())
      .plan(plan("pro", 2).fee(Price.of("90.00", "USD", "period")).price("summary", Price.of("0.005", "USD", "call")).build())
      .plan(plan("payg", 3).prepaid(true).price("summary", Price.of("0.25", "USD", "call")).build())
      .operation(summary).build();

  private static Plan.Builder plan(String name, int rank) {
    return Plan.builder(name).rank(rank).rate(Rate.perSecond(100_000).withBurst(100_000)).quota(Quota.monthly(10_000_000));
  }

  private final dev.monetize.keys.CustomerStore customers = dev.monetize.keys.CustomerStore.inMemory();

  private Monetize monetize(LimiterStore store, BillingHistory history) {
    return Monetize.builder().catalog(catalog).timeSource(time).limiterStore(store).billingHistory(history)
        .customerStore(customers)
        .auditSink(dev.monetize.audit.AuditSink.inMemory()).build();
  }

  private IssuedKey customer(Monetize m, String plan) {
    m.customers().save(new Customer("acme", plan, BillingAnchor.of(1, ZoneOffset.UTC), "Acme"));
    return m.keys().issue("acme", Set.of("*"));
  }

  private Admission admit(Monetize m, IssuedKey k, int i) {
    Admission a = m.admit(summary, ApiRequest.of("GET", "/v1/stats/summary", "10.0.0.1", "r" + i, "Bearer " + k.secret(), null));
    assertThat(a.decision().admitted()).isTrue();
    return a;
  }

  private static JsonNode get(Monetize m, IssuedKey k, String path) throws Exception {
    ManagementApi.Response r = m.managementApi().handle(new ManagementApi.Request("GET", path, Map.of(),
        Optional.of("Bearer " + k.secret()), Optional.empty(), new byte[0], "10.0.0.9", "req"));
    String body = new String(r.body(), StandardCharsets.UTF_8);
    assertThat(r.status()).as(body).isEqualTo(200);
    return JSON.readTree(body);
  }

  @org.junit.jupiter.api.io.TempDir
  java.nio.file.Path journal;

  /**
   * Bug 1: a call admitted in March that completes in April leaves April's counts whole, and no
   * usage interval spans the period boundary (with or without a journal).
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "journal: {0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  void aCallSpanningTwoPeriodsLeavesTheNewPeriodsCountsWhole(boolean withJournal) throws Exception {
    dev.monetize.metering.InMemoryUsageSink sink = dev.monetize.metering.UsageSink.inMemory();
    MonetizeBuilder b = Monetize.builder().catalog(catalog).timeSource(time).customerStore(customers)
        .usageSink(sink).auditSink(dev.monetize.audit.AuditSink.inMemory());
    if (withJournal) {
      b.usageJournal(journal);
    }
    try (Monetize m = b.build()) {
      IssuedKey k = customer(m, "basic");
      time.set(Instant.parse("2026-03-31T23:59:59Z"));
      Admission slow = admit(m, k, 0);
      time.set(Instant.parse("2026-04-01T00:00:01Z"));
      for (int i = 1; i <= 5; i++) {
        admit(m, k, i).complete(200, 10);
      }
      assertThat(get(m, k, "/monetize/usage").path("usage").path("requests").asLong()).isEqualTo(5);
      time.set(Instant.parse("2026-04-01T00:00:02Z"));
      slow.complete(200, 10);
      time.set(Instant.parse("2026-04-01T00:00:03Z"));
      JsonNode usage = get(m, k, "/monetize/usage");
      assertThat(usage.path("period_start").asText()).isEqualTo("2026-04-01T00:00:00Z");
      assertThat(usage.path("usage").path("requests").asLong()).isEqualTo(6); // metered when it completed
      for (int i = 6; i <= 7; i++) {
        admit(m, k, i).complete(200, 10);
      }
      assertThat(get(m, k, "/monetize/usage").path("usage").path("requests").asLong()).isEqualTo(8);
      Instant april = Instant.parse("2026-04-01T00:00:00Z");
      assertThat(sink.records()).allSatisfy(r -> assertThat(!r.from().isBefore(april) || !r.to().isAfter(april))
          .as("%s to %s spans the period boundary", r.from(), r.to()).isTrue());
      assertThat(sink.records().stream().filter(r -> !r.from().isBefore(april)).mapToLong(r -> r.calls()).sum())
          .isEqualTo(8);
    }
  }

  /** Bug 2: after a plan change the usage report's cost is the invoice's total, not the period at today's plan. */
  @Test
  void theUsageCostIsTheInvoiceTotalAfterAPlanChange() throws Exception {
    try (Monetize m = monetize(LimiterStore.inMemory(), BillingHistory.inMemory())) {
      IssuedKey k = customer(m, "basic");
      time.set(Instant.parse("2026-03-05T00:00:00Z"));
      for (int i = 0; i < 100; i++) {
        admit(m, k, i).complete(200, 10);
      }
      time.set(Instant.parse("2026-03-11T00:00:00Z"));
      m.customers().save(new Customer("acme", "pro", BillingAnchor.of(1, ZoneOffset.UTC), "Acme"));
      time.set(Instant.parse("2026-03-20T00:00:00Z"));
      for (int i = 0; i < 200; i++) {
        admit(m, k, 100 + i).complete(200, 10);
      }
      JsonNode invoice = get(m, k, "/monetize/invoices/draft");
      assertThat(invoice.path("total").asText()).isEqualTo("72.65"); // docs/billing.md
      assertThat(get(m, k, "/monetize/usage").path("cost").path("USD").asText()).isEqualTo("72.65");
    }
  }

  /** Bug 3: a top-up whose history write fails, retried, credits once, and balance and history agree. */
  @Test
  void aTopUpRetriedAfterAFailedHistoryWriteCreditsOnce() {
    AtomicBoolean failNext = new AtomicBoolean(true);
    BillingHistory flaky = new ForwardingBillingHistory() {
      @Override
      public WalletEntry recordWalletEntry(WalletEntry entry) {
        if (failNext.getAndSet(false)) {
          throw new IllegalStateException("the database went away");
        }
        return real.recordWalletEntry(entry);
      }
    };
    try (Monetize m = monetize(LimiterStore.inMemory(), flaky)) {
      customer(m, "payg");
      assertThatThrownBy(() -> m.wallet().topUp("acme", new BigDecimal("20"), "inv-7", "")).hasMessageContaining("went away");
      assertThat(m.wallet().topUp("acme", new BigDecimal("20"), "inv-7", "").applied()).isFalse();
      assertThat(m.wallet().topUp("acme", new BigDecimal("20"), "inv-7", "").applied()).isFalse();
      assertThat(m.wallet().balance("acme")).isEqualByComparingTo("20");
      assertThat(m.wallet().history("acme", 10)).singleElement().satisfies(e -> {
        assertThat(e.id()).isEqualTo("inv-7");
        assertThat(e.balanceAfter()).isEqualByComparingTo("20");
      });
    }
  }

  /** Bug 4: no deduction takes a balance below zero, and two nodes applying one top-up id move it once. */
  @Test
  void theBalanceNeverGoesNegativeAndTwoNodesApplyOneTopUpOnce() throws Exception {
    LimiterStore shared = LimiterStore.inMemory();
    BillingHistory history = BillingHistory.inMemory();
    try (Monetize a = monetize(shared, history); Monetize b = monetize(shared, history)) {
      customer(a, "payg");
      a.wallet().topUp("acme", new BigDecimal("5"), "first", "");
      assertThatThrownBy(() -> a.wallet().topUp("acme", new BigDecimal("-5.01"), "refund-1", ""))
          .isInstanceOf(WalletEntryRefusedException.class).hasMessageContaining("never goes below zero")
          .extracting(e -> ((WalletEntryRefusedException) e).reason())
          .isEqualTo(WalletEntryRefusedException.Reason.INSUFFICIENT_CREDITS);
      assertThat(a.wallet().balance("acme")).isEqualByComparingTo("5");
      List<Boolean> applied = new java.util.concurrent.CopyOnWriteArrayList<>();
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      List<Thread> threads = new java.util.ArrayList<>();
      for (int t = 0; t < 16; t++) {
        Monetize node = t % 2 == 0 ? a : b;
        Thread thread = new Thread(() -> {
          try {
            go.await();
            applied.add(node.wallet().topUp("acme", new BigDecimal("10"), "inv-8", "").applied());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
        thread.start();
        threads.add(thread);
      }
      go.countDown();
      for (Thread t : threads) {
        t.join();
      }
      assertThat(applied).hasSize(16);
      assertThat(applied).containsOnlyOnce(true);
      assertThat(a.wallet().balance("acme")).isEqualByComparingTo("15");
      assertThat(b.wallet().balance("acme")).isEqualByComparingTo("15");
      assertThat(a.wallet().history("acme", 10)).hasSize(2);
    }
  }

  /** Bug 5: an id reused with another amount (or note) is a 409 idempotency_conflict, and nothing moves. */
  @Test
  void aTopUpIdReusedWithAnotherAmountIsAConflict() throws Exception {
    try (Monetize m = Monetize.builder().catalog(catalog).timeSource(time).operatorKey(OPERATOR)
        .auditSink(dev.monetize.audit.AuditSink.inMemory()).build()) {
      customer(m, "payg");
      assertThat(post(m, "{\"customer_id\":\"acme\",\"amount\":\"20.00\",\"id\":\"inv-7\"}").status()).isEqualTo(201);
      assertThat(post(m, "{\"customer_id\":\"acme\",\"amount\":\"20.00\",\"id\":\"inv-7\"}").status()).isEqualTo(200);
      ManagementApi.Response conflict = post(m, "{\"customer_id\":\"acme\",\"amount\":\"25.00\",\"id\":\"inv-7\"}");
      assertThat(conflict.status()).isEqualTo(409);
      assertThat(JSON.readTree(conflict.body()).path("code").asText()).isEqualTo("idempotency_conflict");
      ManagementApi.Response noted = post(m, "{\"customer_id\":\"acme\",\"amount\":\"20.00\",\"id\":\"inv-7\","
          + "\"note\":\"another\"}"); // the same id and amount, but not the same entry
      assertThat(noted.status()).isEqualTo(409);
      assertThat(JSON.readTree(noted.body()).path("detail").asText()).contains("another note");
      ManagementApi.Response overdraw = post(m, "{\"customer_id\":\"acme\",\"amount\":\"-21\",\"id\":\"refund-1\"}");
      assertThat(overdraw.status()).isEqualTo(409);
      assertThat(JSON.readTree(overdraw.body()).path("code").asText()).isEqualTo("insufficient_credits");
      assertThat(m.wallet().balance("acme")).isEqualByComparingTo("20");
    }
  }

  /**
   * Bug 6: the wallet rounded a price of 0.0000015 up to 0.000002. A prepaid price finer than the
   * wallet's millionths is refused when the plans load, and what the wallet takes for a call is
   * exactly what the invoice charges.
   */
  @Test
  void theWalletAndTheInvoiceTakeTheSameAmount() throws Exception {
    assertThatThrownBy(() -> Catalog.builder().operation(summary)
        .plan(plan("payg", 3).prepaid(true).price("summary", Price.of("0.0000015", "USD", "call")).build()).build())
        .hasMessageContaining("more than 6 decimals");
    Catalog fine = Catalog.builder().operation(summary)
        .plan(plan("payg", 3).prepaid(true).price("summary", Price.of("0.000003", "USD", "call")).build()).build();
    try (Monetize m = Monetize.builder().catalog(fine).timeSource(time).customerStore(customers)
        .auditSink(dev.monetize.audit.AuditSink.inMemory()).build()) {
      IssuedKey k = customer(m, "payg");
      m.wallet().topUp("acme", new BigDecimal("1"), "first", "");
      time.set(Instant.parse("2026-03-05T00:00:00Z"));
      for (int i = 0; i < 7; i++) {
        admit(m, k, i).complete(200, 10);
      }
      BigDecimal taken = BigDecimal.ONE.subtract(m.wallet().balance("acme"));
      assertThat(taken).isEqualByComparingTo("0.000021"); // 7 x 0.000003, nothing rounded up
      JsonNode invoice = get(m, k, "/monetize/invoices/draft");
      assertThat(invoice.path("lines").get(0).path("quantity").asLong()).isEqualTo(7);
      assertThat(new BigDecimal("0.000003").multiply(BigDecimal.valueOf(7))).isEqualByComparingTo(taken);
      assertThat(invoice.path("amount_due").asText()).isEqualTo("0.00"); // paid from credits
    }
  }

  @Test
  void aTopUpRecordedByAnEarlierVersionIsNotCreditedAgain() {
    BillingHistory history = BillingHistory.inMemory();
    try (Monetize m = monetize(LimiterStore.inMemory(), history)) {
      customer(m, "payg");
      // an entry an earlier version applied (its balance lives in the store without the entry id)
      history.recordWalletEntry(new WalletEntry("old-7", "acme", new BigDecimal("20"), "", time.now(),
          new BigDecimal("20")));
      assertThat(m.wallet().topUp("acme", new BigDecimal("20"), "old-7", "").applied()).isFalse();
      assertThat(m.wallet().balance("acme")).isZero();
      assertThatThrownBy(() -> m.wallet().topUp("acme", new BigDecimal("21"), "old-7", ""))
          .isInstanceOf(WalletEntryRefusedException.class).hasMessageContaining("applied with the amount 20");
    }
  }

  @Test
  void aCustomUnitCannotPoseAsOneTheEngineMeters() {
    try (Monetize m = monetize(LimiterStore.inMemory(), BillingHistory.inMemory())) {
      IssuedKey k = customer(m, "basic");
      Admission a = admit(m, k, 0);
      for (String unit : List.of("calls", "bytes_in", "bytes_out", "compute_ms", "cpu_ms", "cache_hits")) {
        assertThatThrownBy(() -> a.reportUsage(unit, 0)).hasMessageContaining("metered by the engine itself");
      }
      a.reportUsage("rows_scanned", 10);
      a.complete(200, 10);
    }
  }

  private static final String OPERATOR = dev.monetize.keys.ApiKeys.newSecret(dev.monetize.keys.KeyEnvironment.LIVE,
      new java.security.SecureRandom());

  private static ManagementApi.Response post(Monetize m, String body) {
    return m.managementApi().handle(new ManagementApi.Request("POST", "/monetize/credits", Map.of(),
        Optional.of("Bearer " + OPERATOR), Optional.empty(), body.getBytes(StandardCharsets.UTF_8),
        "10.0.0.9", "req"));
  }
}
