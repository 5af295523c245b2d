package dev.monetize.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.Admission;
import dev.monetize.ApiRequest;
import dev.monetize.Monetize;
import dev.monetize.keys.IssuedKey;
import dev.monetize.limits.CreditPolicy;
import dev.monetize.limits.LimitRequest;
import dev.monetize.limits.LimiterStore;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Price;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import dev.monetize.testkit.LimiterStoreContract;
import java.math.BigDecimal;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Prepaid balances in PostgreSQL beside limits in memory: the whole limiter contract (two clients are
 * two nodes on one database), and balances that outlive the process.
 */
class PostgresCreditsTest extends LimiterStoreContract {
  private String url;
  private PostgresStore db;
  private PostgresStore otherNode;
  private LimiterStore limits;

  @Override
  protected LimiterStore store() {
    url = PostgresTestSupport.freshSchema();
    db = PostgresStore.connect(url);
    limits = LimiterStore.inMemory();
    return PostgresCredits.over(limits, db.dataSource());
  }

  @Override
  protected LimiterStore secondClientOfSameBackend(LimiterStore first) {
    otherNode = PostgresStore.connect(url); // its own connections; the limits of the same process
    return PostgresCredits.over(limits, otherNode.dataSource());
  }

  @Test
  void aBalanceOutlivesTheProcessAndTheLimitsInMemoryDoNot() {
    LimiterStore first = store();
    String wallet = key("credits");
    first.applyCredits(wallet, "order-1", 5_000);
    LimitRequest call = new LimitRequest(wallet, new CreditPolicy("credits"), 2_000);
    LimitRequest daily = quota(key("daily"), 1);
    assertThat(first.acquire(List.of(daily, call), NOW).admitted()).isTrue();

    LimiterStore restarted = PostgresCredits.over(LimiterStore.inMemory(), db.dataSource()); // a new process
    assertThat(restarted.credits(wallet)).isEqualTo(3_000);
    assertThat(restarted.acquire(List.of(daily, call), NOW).policies())
        .extracting(s -> s.remaining()).containsExactly(0L, 1_000L); // the quota starts over, the balance does not
    assertThat(restarted.acquire(List.of(call), NOW).admitted()).isFalse();
    assertThat(restarted.credits(wallet)).isEqualTo(1_000);
  }

  /** A flood past a rate is refused in memory: the database is not asked, the balance not touched. */
  @Test
  void aCallAnotherLimitRefusesNeverReachesTheDatabase() {
    store();
    java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
    javax.sql.DataSource counting = (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {javax.sql.DataSource.class}, (proxy, method, args) -> {
          if (method.getName().equals("getConnection")) {
            connections.incrementAndGet();
          }
          return method.invoke(db.dataSource(), args);
        });
    LimiterStore credits = PostgresCredits.over(LimiterStore.inMemory(), counting);
    String wallet = key("credits");
    credits.applyCredits(wallet, "order-1", 10_000);
    LimitRequest call = new LimitRequest(wallet, new CreditPolicy("credits"), 1_000);
    LimitRequest rate = rate(key("rate"), 1, 0);
    assertThat(credits.acquire(List.of(rate, call), NOW).admitted()).isTrue();
    int before = connections.get();

    for (int i = 0; i < 50; i++) {
      dev.monetize.limits.LimitVerdict v = credits.acquire(List.of(rate, call), NOW);
      assertThat(v.admitted()).isFalse();
      assertThat(v.policies().get(0).violated()).isTrue();
    }

    assertThat(connections.get() - before).as("connections taken for 50 refused calls (one balance read each)")
        .isEqualTo(50);
    assertThat(credits.credits(wallet)).isEqualTo(9_000);
  }

  /** A schema without the balances' tables is a misconfiguration named as such, not an outage. */
  /** The counts of the store that keeps the other limits (a Redis store's late charges, say) come through. */
  @Test
  void theOtherLimitsStoresCountsComeThrough() {
    LimiterStore out = (LimiterStore) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {LimiterStore.class}, (proxy, method, args) -> {
          if (method.getName().equals("counters")) {
            return dev.monetize.limits.StoreCounters.NONE;
          }
          throw new dev.monetize.limits.LimiterUnavailableException("the test's other store is out", null);
        });
    LimiterStore failover = dev.monetize.limits.FailoverLimiterStore.of("the test's store", out, LimiterStore.inMemory(),
        java.time.Duration.ofHours(1));
    failover.acquire(java.util.List.of(new dev.monetize.limits.LimitRequest("{c}:rate",
        new dev.monetize.limits.RatePolicy("rate", dev.monetize.plans.Rate.perSecond(10)), 1)),
        System.currentTimeMillis() * 1_000_000L); // decided by the fallback
    store(); // the database
    assertThat(PostgresCredits.over(failover, db.dataSource()).counters())
        .isEqualTo(new dev.monetize.limits.StoreCounters(1, 0, 0));
  }

  @Test
  void aMissingTableIsNamedNotTakenForAnOutage() throws Exception {
    LimiterStore credits = store();
    try (java.sql.Connection c = db.dataSource().getConnection(); java.sql.Statement s = c.createStatement()) {
      s.execute("DROP TABLE monetize_credit_balances");
    }
    LimitRequest call = new LimitRequest(key("credits"), new CreditPolicy("credits"), 1_000);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> credits.acquire(List.of(call), NOW))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("V10__credit_balances.sql");
  }

  /** The engine on PostgreSQL without Redis: a customer's prepaid balance is the same after a restart. */
  @Test
  void aPrepaidCustomersBalanceIsTheSameAfterARestart() {
    store();
    Operation summary = Operation.builder("summary", "GET", "/v1/stats/summary").build();
    Plan payg = Plan.builder("payg").rate(Rate.perSecond(1_000).withBurst(100)).quota(Quota.daily(1_000)).prepaid(true)
        .price("summary", Price.of("0.25", "USD", "call")).build();
    Catalog catalog = Catalog.builder().plan(payg).operation(summary).build();
    String secret;
    try (Monetize m = engine(catalog)) {
      m.customers().save(new Customer("acme", "payg", BillingAnchor.DEFAULT, "Acme"));
      IssuedKey k = m.keys().issue("acme", Set.of("*"));
      secret = k.secret();
      m.wallet().topUp("acme", new BigDecimal("1.00"), "order-1", "card");
      Admission a = m.admit(summary, ApiRequest.of("GET", "/v1/stats/summary", "10.0.0.1", "r1", "Bearer " + secret, null));
      assertThat(a.decision().admitted()).isTrue();
      a.complete(200, 10);
      assertThat(m.wallet().balance("acme")).isEqualByComparingTo("0.75");
    }
    try (Monetize m = engine(catalog)) {
      assertThat(m.wallet().balance("acme")).isEqualByComparingTo("0.75");
      assertThat(m.wallet().topUp("acme", new BigDecimal("1.00"), "order-1", "card").applied()).isFalse();
      for (int i = 0; i < 3; i++) {
        Admission a = m.admit(summary, ApiRequest.of("GET", "/v1/stats/summary", "10.0.0.1", "r" + i, "Bearer " + secret,
            null));
        assertThat(a.decision().admitted()).isTrue();
        a.complete(200, 10);
      }
      Admission broke = m.admit(summary, ApiRequest.of("GET", "/v1/stats/summary", "10.0.0.1", "r9", "Bearer " + secret,
          null));
      assertThat(broke.decision().error()).hasValueSatisfying(e -> assertThat(e.code()).isEqualTo("credits_exhausted"));
      assertThat(m.wallet().balance("acme")).isEqualByComparingTo("0");
    }
  }

  private Monetize engine(Catalog catalog) {
    return Monetize.builder().catalog(catalog).keyStore(db).customerStore(db)
        .billingHistory(new PostgresBillingHistory(db.dataSource()))
        .limiterStore(PostgresCredits.over(LimiterStore.inMemory(), db.dataSource())).build();
  }

  @AfterEach
  void close() {
    if (otherNode != null) {
      otherNode.close();
    }
    if (db != null) {
      db.close();
      PostgresTestSupport.drop(url);
    }
  }
}
