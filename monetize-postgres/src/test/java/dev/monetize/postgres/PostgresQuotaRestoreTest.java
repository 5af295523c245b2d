package dev.monetize.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.Admission;
import dev.monetize.ApiRequest;
import dev.monetize.ManualTimeSource;
import dev.monetize.Monetize;
import dev.monetize.keys.IssuedKey;
import dev.monetize.keys.KeyEnvironment;
import dev.monetize.limits.LimiterStore;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.LimitScope;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.QuotaWindow;
import dev.monetize.plans.Rate;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Limits counted in memory beside keys, customers, usage and balances in PostgreSQL (the example's
 * set-up without Redis): a restarted process restores each quota from the ledger, so a daily quota
 * spent in the morning is not granted again after a noon restart, per customer and per key.
 */
class PostgresQuotaRestoreTest {
  private final ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-03-10T08:00:00Z"));
  private final Operation summary = Operation.builder("summary", "GET", "/v1/stats/summary").build();
  private final Operation report = Operation.builder("report", "GET", "/v1/report").cost(2).build();
  private final Catalog catalog = Catalog.builder().plan(Plan.builder("basic").rank(1)
      .rate(Rate.perSecond(1000).withBurst(1000)).quota(Quota.daily(5))
      .quota(Quota.of("per-key", 3, QuotaWindow.DAY).withScope(LimitScope.KEY)).build()).operation(summary)
      .operation(report).build();
  private String url;
  private PostgresStore db;

  @BeforeEach
  void database() {
    url = PostgresTestSupport.freshSchema();
    db = PostgresStore.connect(url);
  }

  @AfterEach
  void drop() {
    db.close();
    PostgresTestSupport.drop(url);
  }

  private Monetize process() {
    return Monetize.builder().catalog(catalog).timeSource(time).environment(KeyEnvironment.LIVE).keyStore(db)
        .customerStore(db).billingHistory(new PostgresBillingHistory(db.dataSource()))
        .usageSink(new PostgresUsageLedger(db.dataSource()))
        .limiterStore(PostgresCredits.over(LimiterStore.inMemory(), db.dataSource())).build();
  }

  private int calls(Monetize m, IssuedKey key, int n) {
    return calls(m, summary, key, n);
  }

  private int calls(Monetize m, Operation op, IssuedKey key, int n) {
    int admitted = 0;
    for (int i = 0; i < n; i++) {
      Admission a = m.admit(op, ApiRequest.of("GET", op.pathTemplate(), "10.0.0.1", "r" + i,
          "Bearer " + key.secret(), null));
      if (a.decision().admitted()) {
        admitted++;
        a.complete(200, 10);
      }
    }
    return admitted;
  }

  @Test
  void aRestartedProcessTakesBackTheQuotasSpentBeforeIt() {
    IssuedKey morning;
    IssuedKey other;
    try (Monetize first = process()) {
      first.customers().save(Customer.of("acme", "basic"));
      morning = first.keys().issue("acme", Set.of("*"));
      other = first.keys().issue("acme", Set.of("*"));
      assertThat(calls(first, morning, 3)).isEqualTo(3); // per-key used up; daily 3 of 5
    }
    time.set(Instant.parse("2026-03-10T12:00:00Z"));
    try (Monetize second = process()) {
      assertThat(second.admit(summary, ApiRequest.of("GET", "/v1/stats/summary", "10.0.0.1", "r",
          "Bearer " + morning.secret(), null)).decision().violatedPolicies()).isEqualTo(List.of("per-key"));
      assertThat(calls(second, other, 5)).isEqualTo(2); // the daily 5: 3 before the restart, 2 after
    }
  }

  @Test
  void callsAreWeightedByCostAndARaisedKeysStayOffItsOrganizationsQuota() {
    IssuedKey raised;
    IssuedKey plain;
    try (Monetize first = process()) {
      first.customers().save(Customer.of("acme", "basic"));
      raised = first.keys().issue(dev.monetize.keys.KeyRequest.of("acme", Set.of("*")).limit("daily", 40)
          .limit("per-key", 40));
      plain = first.keys().issue("acme", Set.of("*"));
      assertThat(calls(first, report, raised, 10)).isEqualTo(10); // 20 units of its own 40
      assertThat(calls(first, report, plain, 1)).isEqualTo(1); // 2 of the organization's 5, 2 of its per-key 3
    }
    time.set(Instant.parse("2026-03-10T12:00:00Z"));
    try (Monetize second = process()) {
      assertThat(calls(second, summary, plain, 5)).isEqualTo(1); // per-key: 2 + 1 of 3 (daily 3 of 5)
      assertThat(calls(second, report, raised, 20)).isEqualTo(10); // its own: 20 + 20 of 40
    }
  }
}
