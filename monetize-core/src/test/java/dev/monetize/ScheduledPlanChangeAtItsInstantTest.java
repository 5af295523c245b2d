package dev.monetize;

import static dev.monetize.PlanChangeFixtures.OPERATOR;
import static dev.monetize.PlanChangeFixtures.PLANS;
import static dev.monetize.PlanChangeFixtures.call;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.monetize.billing.BillingHistory;
import dev.monetize.billing.PlanChange;
import dev.monetize.config.CatalogLoader;
import dev.monetize.keys.IssuedKey;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A change scheduled for the period's end puts the customer on the new plan at that very instant for
 * admission too, not when the scheduler's sweep gets to it: a call in between is limited, charged to
 * the wallet and invoiced under one plan, never paid twice or not at all.
 */
class ScheduledPlanChangeAtItsInstantTest {
  private static final Instant NEW_PERIOD = Instant.parse("2026-12-01T00:00:00Z");
  private final ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-11-01T00:00:00Z"));

  private Monetize monetize(BillingHistory history) {
    return Monetize.builder().catalog(CatalogLoader.parse("plans.yaml", PLANS)).timeSource(time).operatorKey(OPERATOR)
        .billingHistory(history).auditSink(dev.monetize.audit.AuditSink.inMemory()).build();
  }


  /** A customer on {@code from} with 10 in its wallet and {@code to} scheduled for the period's end; its key. */
  private IssuedKey scheduled(Monetize m, String from, String to) throws Exception {
    m.customers().save(Customer.of("acme", from));
    IssuedKey key = m.keys().issue("acme", Set.of("*"));
    m.wallet().topUp("acme", new BigDecimal("10"), "t1", "");
    call(m, "PATCH", "/monetize/organizations/acme", null, "{\"plan\": \"" + to + "\", \"at\": \"period_end\"}");
    return key;
  }

  /** Four calls three seconds into the new period, before any sweep: the plans each of them was admitted on. */
  private void fourCallsBeforeTheSweep(Monetize m, IssuedKey key) {
    time.set(NEW_PERIOD.plusSeconds(3));
    Operation op = m.catalog().operation("summary").orElseThrow();
    for (int i = 0; i < 4; i++) {
      Admission a = m.admit(op, ApiRequest.of("GET", "/v1/summary", "10.0.0.1", "r" + i, "Bearer " + key.secret(), null));
      assertThat(a.decision().admitted()).isTrue();
      a.complete(200, 10);
    }
    m.flushUsage();
  }

  private JsonNode decemberInvoice(Monetize m) throws Exception {
    m.applyDuePlanChanges();
    return call(m, "GET", "/monetize/invoices/draft", "customer_id=acme", null);
  }

  @Test
  void fromPrepaidToBilledTheWalletPaysNothingAfterThePeriodsEnd() throws Exception {
    try (Monetize m = monetize(BillingHistory.inMemory())) {
      fourCallsBeforeTheSweep(m, scheduled(m, "payg", "basic"));
      assertThat(m.wallet().balance("acme")).isEqualByComparingTo("10"); // it was 9.00: paid, then invoiced again
      JsonNode invoice = decemberInvoice(m);
      assertThat(invoice.get("amount_due").asText()).isEqualTo("0.04"); // 4 calls at basic's 0.01
    }
  }

  @Test
  void fromBilledToPrepaidTheWalletPaysFromThePeriodsFirstInstant() throws Exception {
    try (Monetize m = monetize(BillingHistory.inMemory())) {
      fourCallsBeforeTheSweep(m, scheduled(m, "basic", "payg"));
      assertThat(m.wallet().balance("acme")).isEqualByComparingTo("9.00"); // it was 10: the calls went free
      JsonNode invoice = decemberInvoice(m);
      assertThat(invoice.get("amount_due").asText()).isEqualTo("0.00"); // billed 1.00, paid from credits
      assertThat(invoice.toString()).contains("\"amount\":\"1.00\"").contains("\"amount\":\"-1.00\"");
    }
  }

  @Test
  void aChangeAnotherNodeCancelledIsForgottenAtTheNextSweep() throws Exception {
    BillingHistory shared = BillingHistory.inMemory();
    try (Monetize m = monetize(shared)) {
      IssuedKey key = scheduled(m, "payg", "basic");
      shared.cancelPlanChanges("acme", time.now()); // as the node where the operator cancelled it
      time.set(NEW_PERIOD.minusSeconds(5));
      m.applyDuePlanChanges();
      fourCallsBeforeTheSweep(m, key);
      assertThat(m.wallet().balance("acme")).isEqualByComparingTo("9.00"); // still payg: 4 calls at 0.25
    }
  }

  @Test
  void aPlanSetNowJustAfterAChangeCameDueHoldsAgainstIt() throws Exception {
    try (Monetize m = monetize(BillingHistory.inMemory())) {
      IssuedKey key = scheduled(m, "payg", "basic");
      time.set(NEW_PERIOD.plusSeconds(3)); // basic is due, not applied yet: the operator puts it back on payg
      call(m, "PATCH", "/monetize/organizations/acme", null, "{\"plan\": \"payg\"}");
      fourCallsBeforeTheSweep(m, key);
      m.applyDuePlanChanges();
      assertThat(m.customers().find("acme").orElseThrow().plan()).isEqualTo("payg");
      assertThat(m.wallet().balance("acme")).isEqualByComparingTo("9.00");
    }
  }

  @Test
  void aChangeAnotherNodeScheduledIsFollowedOnceASweepHasSeenItComing() throws Exception {
    BillingHistory shared = BillingHistory.inMemory();
    try (Monetize m = monetize(shared)) {
      m.customers().save(Customer.of("acme", "payg"));
      IssuedKey key = m.keys().issue("acme", Set.of("*"));
      m.wallet().topUp("acme", new BigDecimal("10"), "t1", "");
      shared.recordPlanChange(new PlanChange("acme", "basic", NEW_PERIOD)); // as the node that scheduled it
      time.set(NEW_PERIOD.minusSeconds(5));
      m.applyDuePlanChanges(); // the last sweep before the change: it looks ahead
      fourCallsBeforeTheSweep(m, key);
      assertThat(m.wallet().balance("acme")).isEqualByComparingTo("10");
      assertThat(decemberInvoice(m).get("amount_due").asText()).isEqualTo("0.04");
    }
  }

  @Test
  void aSweepAppliesAMonthsChangesInBatchesEveryOne() throws Exception {
    java.util.concurrent.atomic.AtomicInteger batchReads = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger singleReads = new java.util.concurrent.atomic.AtomicInteger();
    BillingHistory shared = new ForwardingBillingHistory() {
      @Override
      public boolean shared() {
        return true;
      }

      @Override
      public java.util.Map<String, PlanChange> plansInForce(java.util.Collection<String> ids, Instant at) {
        assertThat(ids).hasSizeLessThanOrEqualTo(dev.monetize.billing.internal.PlanScheduler.EXCLUSIVE_BATCH);
        batchReads.incrementAndGet();
        return real.plansInForce(ids, at);
      }

      @Override
      public List<PlanChange> planChanges(String customerId, Instant from, Instant to) {
        singleReads.incrementAndGet();
        return real.planChanges(customerId, from, to);
      }
    };
    int customers = 2 * dev.monetize.billing.internal.PlanScheduler.EXCLUSIVE_BATCH + 50; // three batches
    try (Monetize m = monetize(shared)) {
      for (int i = 0; i < customers; i++) {
        m.customers().save(Customer.of("c" + i, "payg"));
        shared.recordPlanChange(new PlanChange("c" + i, "basic", NEW_PERIOD)); // as the nodes that scheduled them
      }
      time.set(NEW_PERIOD.plusSeconds(1));
      singleReads.set(0);
      m.applyDuePlanChanges();
      for (int i = 0; i < customers; i++) {
        assertThat(m.customers().find("c" + i).orElseThrow().plan()).as("c" + i).isEqualTo("basic");
      }
      // read a batch at a time (once to find those to change, once under the lock): not once per customer
      assertThat(batchReads.get()).isEqualTo(6);
      assertThat(singleReads.get()).isZero();
    }
  }

  /** The organization reads on the plan in force in the change's first seconds, before the sweep stores it. */
  @Test
  void theOrganizationShowsTheNewPlanFromItsInstantBeforeTheSweep() throws Exception {
    try (Monetize m = monetize(BillingHistory.inMemory())) {
      scheduled(m, "basic", "payg");
      JsonNode before = call(m, "GET", "/monetize/organizations/acme", null, null);
      assertThat(before.get("plan").asText()).isEqualTo("basic");
      assertThat(before.get("scheduled_plan_change").get("plan").asText()).isEqualTo("payg");
      // on a plan that is not prepaid, what is in its wallet is still shown (and nothing when it is empty)
      assertThat(call(m, "GET", "/monetize/usage", "customer_id=acme", null).get("credits").asText()).isEqualTo("10");
      m.customers().save(Customer.of("globex", "basic"));
      assertThat(call(m, "GET", "/monetize/usage", "customer_id=globex", null).has("credits")).isFalse();
      time.set(NEW_PERIOD.plusSeconds(3)); // due, not swept: the store still says basic
      assertThat(m.customers().find("acme").orElseThrow().plan()).isEqualTo("basic");
      JsonNode due = call(m, "GET", "/monetize/organizations/acme", null, null);
      assertThat(due.get("plan").asText()).isEqualTo("payg");
      assertThat(due.has("scheduled_plan_change") && !due.get("scheduled_plan_change").isNull()).isFalse();
      // a change scheduled meanwhile answers on the plan in force too
      JsonNode rescheduled = call(m, "PATCH", "/monetize/organizations/acme", null,
          "{\"plan\": \"basic\", \"at\": \"period_end\"}");
      assertThat(rescheduled.get("plan").asText()).isEqualTo("payg");
      assertThat(rescheduled.get("scheduled_plan_change").get("plan").asText()).isEqualTo("basic");
      m.applyDuePlanChanges();
      assertThat(call(m, "GET", "/monetize/organizations/acme", null, null).get("plan").asText()).isEqualTo("payg");
    }
  }

  /** A change "now" in a due change's first seconds is checked against the plan in force: one currency per invoice. */
  @Test
  void aChangeNowInADueChangesFirstSecondsComparesCurrenciesWithThePlanInForce() throws Exception {
    String withEuro = PLANS.replace("operations:", "  euro:\n    rank: 7\n    rate: { count: 1000, burst: 1000 }\n"
        + "    quotas: [ { limit: 100000, window: month } ]\n    currency: EUR\n"
        + "    prices: {summary: {amount: \"0.01\", currency: EUR}}\noperations:");
    try (Monetize m = Monetize.builder().catalog(CatalogLoader.parse("plans.yaml", withEuro)).timeSource(time)
        .operatorKey(OPERATOR).build()) {
      m.customers().save(Customer.of("acme", "basic"));
      call(m, "PATCH", "/monetize/organizations/acme", null, "{\"plan\": \"euro\", \"at\": \"period_end\"}");
      time.set(NEW_PERIOD.plusSeconds(3)); // euro in force, the store still on basic (USD)
      dev.monetize.management.ManagementApi.Response r = m.managementApi().handle(
          dev.monetize.management.ManagementApi.Request.withRawQuery("PATCH", "/monetize/organizations/acme", null,
              java.util.Optional.of("Bearer " + OPERATOR), java.util.Optional.empty(),
              "{\"plan\": \"payg\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8), "10.0.0.9", "req"));
      String body = new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(r.status()).as(body).isEqualTo(400);
      assertThat(body).contains("'euro' in EUR");
    }
  }
}
