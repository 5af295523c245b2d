package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.billing.PlanChange;
import dev.monetize.config.CatalogLoader;
import dev.monetize.events.LifecycleEvent;
import dev.monetize.keys.IssuedKey;
import dev.monetize.management.ManagementApi;
import dev.monetize.metering.UsageRecord;
import dev.monetize.metering.UsageSink;
import dev.monetize.metering.UsageTotals;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Tier rules over weeks of simulated usage with an injected clock. */
class TierRulesTest {
  private static final String PLANS = """
      plans:
        free:
          rank: 0
          rate: { count: 100000, burst: 100000 }
          quotas: [ { name: daily, limit: 100, window: day } ]
          scopes: ["*"]
        pro:
          rank: 10
          rate: { count: 100000, burst: 100000 }
          quotas: [ { name: daily, limit: 1000, window: day }, { name: monthly, limit: 10000, window: month } ]
          scopes: ["*"]
        enterprise:
          rank: 20
          requires_approval: true
          rate: { count: 100000, burst: 100000 }
          quotas: [ { limit: 1000000, window: month } ]
          scopes: ["*"]
      operations:
        - { id: summary, method: GET, path: /v1/summary }
      tier_rules:
        - { name: grow, from: free, to: pro, action: suggest,
            when: { quota: daily, used_at_least: 90, days: 3, of_last_days: 7 } }
        - { name: to-enterprise, from: pro, to: enterprise, action: now,
            when: { quota: daily, used_at_least: 50, days: 1, of_last_days: 2 } }
        - { name: shrink, from: pro, to: free, action: at_period_end,
            when: { used_below: 20, periods: 2 } }
      """;

  /** A usage sink that keeps its own totals, as a ledger does (the past stays readable). */
  static final class Ledger implements UsageSink, UsageTotals {
    final List<UsageRecord> records = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void accept(List<UsageRecord> batch) {
      records.addAll(batch);
    }

    @Override
    public Totals totals(String customerId, Instant from, Instant to) {
      return UsageTotals.of(List.copyOf(records)).totals(customerId, from, to);
    }

    @Override
    public java.util.Set<String> customers(Instant from, Instant to) {
      return UsageTotals.of(List.copyOf(records)).customers(from, to);
    }
  }

  private static void calls(Monetize m, IssuedKey key, int n) {
    Operation summary = m.catalog().operation("summary").orElseThrow();
    for (int i = 0; i < n; i++) {
      Admission a = m.admit(summary, ApiRequest.of("GET", "/v1/summary", "203.0.113.9", "r", "Bearer " + key.secret(),
          null));
      a.complete(a.decision().status(), 0);
    }
    m.flushUsage();
  }

  @Test
  void quotaPressureOnThreeOfSevenDaysSuggestsTheNextPlanInUsageHintsAndAnEvent() throws Exception {
    ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-11-01T12:00:00Z"));
    List<LifecycleEvent> told = Collections.synchronizedList(new ArrayList<>());
    try (Monetize m = Monetize.builder().catalog(CatalogLoader.parse("plans.yaml", PLANS)).timeSource(time)
        .usageSink(new Ledger()).eventListener(told::add).build()) {
      m.customers().save(Customer.of("acme", "free"));
      IssuedKey key = m.keys().issue("acme", Set.of("*"));
      int[] perDay = {10, 95, 20, 92, 10, 5, 30}; // two hot days: not yet
      for (int d = 0; d < 7; d++) {
        time.set(Instant.parse("2026-11-01T12:00:00Z").plus(Duration.ofDays(d)));
        calls(m, key, perDay[d]);
      }
      time.set(Instant.parse("2026-11-08T09:00:00Z"));
      assertThat(m.evaluateTierRules()).isZero();
      calls(m, key, 100); // today: the whole daily quota
      time.set(Instant.parse("2026-11-09T09:00:00Z"));
      assertThat(m.evaluateTierRules()).isEqualTo(1); // Nov 2 to 8: three days at 90% or more
      assertThat(m.customers().find("acme").orElseThrow().plan()).isEqualTo("free"); // suggested, not moved

      ManagementApi.Response usage = m.managementApi().handle(ManagementApi.Request.withRawQuery("GET", "/monetize/usage",
          null, Optional.of("Bearer " + key.secret()), Optional.empty(), new byte[0], "10.0.0.9", "req"));
      JsonNode body = new ObjectMapper().readTree(new String(usage.body(), StandardCharsets.UTF_8));
      assertThat(body.at("/suggestion/plan").asText()).isEqualTo("pro");
      assertThat(body.at("/suggestion/rule").asText()).isEqualTo("grow");
      assertThat(body.at("/suggestion/reason").asText()).contains("at least 90% used on 3 of the last 7 days");

      calls(m, key, 100); // the daily quota again; the 101st is refused with the suggestion in its hint
      Admission refused = m.admit(m.catalog().operation("summary").orElseThrow(), ApiRequest.of("GET", "/v1/summary",
          "203.0.113.9", "r", "Bearer " + key.secret(), null));
      assertThat(refused.decision().error().orElseThrow().code()).isEqualTo("quota_exhausted");
      assertThat(refused.decision().hint()).hasValueSatisfying(h -> assertThat(h)
          .contains("move to plan 'pro', which your usage suggests"));
      m.flushEvents();
      List<LifecycleEvent> suggested = told.stream().filter(e -> e.type().equals(LifecycleEvent.TIER_SUGGESTED)).toList();
      assertThat(suggested).singleElement().satisfies(e -> assertThat(e.data()).containsEntry("suggested_plan", "pro")
          .containsEntry("rule", "grow"));
      assertThat(m.evaluateTierRules()).isEqualTo(1);
      m.flushEvents();
      assertThat(told).filteredOn(e -> e.type().equals(LifecycleEvent.TIER_SUGGESTED)).hasSize(1); // announced once
    }
  }

  @Test
  void aPlanNeedingApprovalIsOnlySuggestedAndLowUseSchedulesADowngrade() throws Exception {
    ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-08-15T12:00:00Z"));
    List<LifecycleEvent> told = Collections.synchronizedList(new ArrayList<>());
    try (Monetize m = Monetize.builder().catalog(CatalogLoader.parse("plans.yaml", PLANS)).timeSource(time)
        .usageSink(new Ledger()).eventListener(told::add).build()) {
      m.customers().save(Customer.of("busy", "pro"));
      m.customers().save(Customer.of("idle", "pro"));
      IssuedKey busy = m.keys().issue("busy", Set.of("*"));
      IssuedKey idle = m.keys().issue("idle", Set.of("*"));
      for (String month : new String[] {"2026-09-10", "2026-10-10", "2026-11-10"}) {
        time.set(Instant.parse(month + "T12:00:00Z"));
        calls(m, idle, 3); // 3 of a monthly 10,000: far below 20%
        calls(m, busy, 600); // past 50% of the daily 1,000
      }
      time.set(Instant.parse("2026-11-11T09:00:00Z"));
      assertThat(m.evaluateTierRules()).isEqualTo(2);
      // to-enterprise says "now", but enterprise needs approval: suggested only
      assertThat(m.customers().find("busy").orElseThrow().plan()).isEqualTo("pro");
      // shrink: September and October both under 20% of the plan: free from the end of this period
      assertThat(m.customers().find("idle").orElseThrow().plan()).isEqualTo("pro");
      ManagementApi.Response org = m.managementApi().handle(ManagementApi.Request.withRawQuery("GET",
          "/monetize/organizations/idle", null, Optional.of("Bearer " + idle.secret()), Optional.empty(), new byte[0],
          "10.0.0.9", "req"));
      JsonNode body = new ObjectMapper().readTree(new String(org.body(), StandardCharsets.UTF_8));
      assertThat(body.at("/scheduled_plan_change/plan").asText()).isEqualTo("free");
      assertThat(body.at("/scheduled_plan_change/at").asText()).isEqualTo("2026-12-01T00:00:00Z");
      m.flushEvents();
      assertThat(told).extracting(LifecycleEvent::type).filteredOn(t -> !t.equals(LifecycleEvent.QUOTA_THRESHOLD_CROSSED))
          .containsExactlyInAnyOrder(LifecycleEvent.TIER_SUGGESTED, LifecycleEvent.PLAN_CHANGE_SCHEDULED);
      assertThat(told).filteredOn(e -> e.type().equals(LifecycleEvent.TIER_SUGGESTED)).singleElement()
          .satisfies(e -> assertThat(e.data()).containsEntry("suggested_plan", "enterprise"));
      time.set(Instant.parse("2026-12-01T00:00:01Z"));
      m.applyDuePlanChanges();
      assertThat(m.customers().find("idle").orElseThrow().plan()).isEqualTo("free");
    }
  }

  @Test
  void aRuleActingNowChangesThePlanAtOnceAndAnnouncesIt() throws Exception {
    ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-11-01T12:00:00Z"));
    List<LifecycleEvent> told = Collections.synchronizedList(new ArrayList<>());
    String plans = PLANS.replace("from: free, to: pro, action: suggest", "from: free, to: pro, action: now");
    try (Monetize m = Monetize.builder().catalog(CatalogLoader.parse("plans.yaml", plans)).timeSource(time)
        .usageSink(new Ledger()).eventListener(told::add).build()) {
      m.customers().save(Customer.of("acme", "free"));
      IssuedKey key = m.keys().issue("acme", Set.of("*"));
      for (int d = 1; d <= 3; d++) { // three days at 95% of the daily 100
        time.set(Instant.parse("2026-11-01T12:00:00Z").plus(Duration.ofDays(d)));
        calls(m, key, 95);
      }
      time.set(Instant.parse("2026-11-05T09:00:00Z"));
      assertThat(m.evaluateTierRules()).isEqualTo(1);
      assertThat(m.customers().find("acme").orElseThrow().plan()).isEqualTo("pro");
      m.flushEvents();
      assertThat(told).filteredOn(e -> e.type().equals(LifecycleEvent.PLAN_CHANGED)).singleElement()
          .satisfies(e -> assertThat(e.data()).containsEntry("from_plan", "free").containsEntry("to_plan", "pro"));
    }
  }

  /** A rule acting now towards a plan of another currency waits for the period's end: an invoice has one currency. */
  @Test
  void aRuleActingNowInAnotherCurrencyWaitsForThePeriodsEnd() throws Exception {
    ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-11-01T12:00:00Z"));
    String plans = PLANS.replace("from: free, to: pro, action: suggest", "from: free, to: pro, action: now")
        .replace("quotas: [ { name: daily, limit: 100, window: day } ]",
            "quotas: [ { name: daily, limit: 100, window: day } ]\n    currency: USD\n    fee: \"5.00\"")
        .replace("{ name: monthly, limit: 10000, window: month } ]",
            "{ name: monthly, limit: 10000, window: month } ]\n    currency: EUR\n    fee: \"50.00\"");
    String operator = dev.monetize.keys.ApiKeys.newSecret(dev.monetize.keys.KeyEnvironment.LIVE,
        new java.security.SecureRandom());
    try (Monetize m = Monetize.builder().catalog(CatalogLoader.parse("plans.yaml", plans)).timeSource(time)
        .usageSink(new Ledger()).operatorKey(operator).build()) {
      m.customers().save(Customer.of("acme", "free"));
      IssuedKey key = m.keys().issue("acme", Set.of("*"));
      for (int d = 1; d <= 3; d++) {
        time.set(Instant.parse("2026-11-01T12:00:00Z").plus(Duration.ofDays(d)));
        calls(m, key, 95);
      }
      time.set(Instant.parse("2026-11-05T09:00:00Z"));
      m.evaluateTierRules();
      assertThat(m.customers().find("acme").orElseThrow().plan()).isEqualTo("free");
      String org = new String(ManagementCalls.call(m, "GET", "/monetize/organizations/acme", operator, "").body(),
          java.nio.charset.StandardCharsets.UTF_8);
      assertThat(org).contains("\"scheduled_plan_change\"").contains("\"pro\"").contains("2026-12-01T00:00:00Z");
    }
  }

  @Test
  void rulesThatCannotHoldAreRefusedNamingTheField() {
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", PLANS.replace("from: free, to: pro", "from: free, to: gold")))
        .hasMessageContaining("tier rule 'grow'").hasMessageContaining("'gold' is not a plan");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", PLANS.replace("quota: daily, used_at_least: 90",
        "quota: monthly, used_at_least: 90"))).hasMessageContaining("no daily quota 'monthly'");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", PLANS.replace("days: 3, of_last_days: 7",
        "days: 9, of_last_days: 7"))).hasMessageContaining("tier_rules[0].when");
    assertThatThrownBy(() -> CatalogLoader.parse("plans.yaml", PLANS.replace("action: suggest", "action: maybe")))
        .hasMessageContaining("tier_rules[0].action");
    Catalog c = CatalogLoader.parse("plans.yaml", PLANS);
    assertThat(c.tierRules()).hasSize(3);
    assertThat(c.requiresApproval("enterprise")).isTrue();
    assertThat(c.requiresApproval("pro")).isFalse();
    assertThat(new PlanChange("a", "free", Instant.EPOCH).plan()).isEqualTo("free");
  }
}
