package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.errors.ErrorCode;
import dev.monetize.http.Header;
import dev.monetize.keys.IssuedKey;
import dev.monetize.keys.KeyEnvironment;
import dev.monetize.limits.LimitRequest;
import dev.monetize.limits.LimitVerdict;
import dev.monetize.limits.LimiterStore;
import dev.monetize.limits.LimiterUnavailableException;
import dev.monetize.limits.OverloadSignal;
import dev.monetize.metering.InMemoryUsageSink;
import dev.monetize.metering.UsageSink;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Concurrency;
import dev.monetize.plans.Customer;
import dev.monetize.plans.LimitScope;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Overage;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Price;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import dev.monetize.plans.StoreOutage;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The limit step through the public entry point: every policy kind, scope and overage mode. */
class MonetizeLimitsTest {
  private final ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-03-10T12:00:00Z"));
  private final InMemoryUsageSink usage = UsageSink.inMemory();
  private final Operation summary = Operation.builder("summary", "GET", "/v1/stats/summary").build();
  private final Operation export = Operation.builder("export", "GET", "/v1/export").cost(10).build();

  private Monetize monetize(Catalog catalog) {
    return monetize(catalog, LimiterStore.inMemory(), OverloadSignal.none());
  }

  private Monetize monetize(Catalog catalog, LimiterStore store, OverloadSignal signal) {
    return Monetize.builder().catalog(catalog).timeSource(time).usageSink(usage).limiterStore(store)
        .overloadSignal(signal).overloadRetryAfter(Duration.ofSeconds(7)).environment(KeyEnvironment.LIVE).build();
  }

  /** A catalog with the summary operation only. */
  private static Catalog catalog(Plan... plans) {
    return catalog(false, plans);
  }

  private static Catalog catalog(boolean withExport, Plan... plans) {
    Catalog.Builder b = Catalog.builder();
    for (Plan p : plans) {
      b.plan(p);
    }
    b.operation(Operation.builder("summary", "GET", "/v1/stats/summary").build());
    if (withExport) {
      b.operation(Operation.builder("export", "GET", "/v1/export").cost(10).build());
    }
    return b.build();
  }

  private static Plan.Builder plan(String name, int rank) {
    return Plan.builder(name).rank(rank).rate(Rate.perSecond(1000).withBurst(1000)).quota(Quota.daily(1_000_000));
  }

  private static IssuedKey key(Monetize m, String customer, String plan) {
    m.customers().save(Customer.of(customer, plan));
    return m.keys().issue(customer, Set.of("*"));
  }

  private static Admission call(Monetize m, Operation op, IssuedKey key, String ip) {
    return m.admit(op, ApiRequest.of(op.method(), op.pathTemplate(), ip, "r", "Bearer " + key.secret(), null));
  }

  private static Admission call(Monetize m, Operation op, IssuedKey key) {
    return call(m, op, key, "10.0.0.1");
  }

  private static Optional<String> header(Admission a, String name) {
    return a.responseHeaders().stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).findFirst();
  }

  @Test
  void concurrencyIsHeldUntilCompleteAndReleasedWhateverTheStatus() {
    try (Monetize m = monetize(catalog(plan("pro", 1).concurrency(Concurrency.of(2)).build()))) {
      IssuedKey k = key(m, "acme", "pro");
      Admission first = call(m, summary, k);
      Admission second = call(m, summary, k);
      assertThat(first.decision().admitted()).isTrue();
      assertThat(second.decision().admitted()).isTrue();
      Admission third = call(m, summary, k);
      assertThat(third.decision().error()).contains(ErrorCode.CONCURRENCY_LIMITED);
      assertThat(third.decision().status()).isEqualTo(429);
      assertThat(third.decision().violatedPolicies()).containsExactly("concurrency");
      assertThat(m.metrics().inFlight()).isEqualTo(2);
      first.complete(500, 0); // a failed endpoint frees its slot too
      assertThat(m.metrics().inFlight()).isEqualTo(1);
      Admission fourth = call(m, summary, k);
      assertThat(fourth.decision().admitted()).isTrue();
      second.complete(200, 0);
      fourth.complete(200, 0);
      fourth.complete(200, 0); // completing twice frees once
      assertThat(m.metrics().inFlight()).isZero();
      List<Admission> again = List.of(call(m, summary, k), call(m, summary, k));
      assertThat(again).allSatisfy(a -> assertThat(a.decision().admitted()).isTrue());
      assertThat(call(m, summary, k).decision().admitted()).isFalse();
    }
  }

  @Test
  void prepaidCreditsAreChargedByPriceAndRefusedWith402WithoutCharging() {
    Plan prepaid = plan("payg", 1).prepaid(true)
        .price("summary", Price.of("0.25", "EUR", "call"))
        .price("export", Price.of("1.10", "EUR", "export")).build();
    try (Monetize m = monetize(catalog(true, prepaid))) {
      IssuedKey k = key(m, "acme", "payg");
      assertThat(call(m, summary, k).decision().error()).contains(ErrorCode.CREDITS_EXHAUSTED);
      m.wallet().add("acme", new BigDecimal("1.50"));
      assertThat(call(m, export, k).decision().admitted()).isTrue();
      assertThat(m.wallet().balance("acme")).isEqualByComparingTo("0.40");
      assertThat(call(m, summary, k).decision().admitted()).isTrue();
      assertThat(m.wallet().balance("acme")).isEqualByComparingTo("0.15");
      Admission refused = call(m, summary, k);
      assertThat(refused.decision().error()).contains(ErrorCode.CREDITS_EXHAUSTED);
      assertThat(refused.decision().status()).isEqualTo(402);
      assertThat(refused.decision().detail()).contains("0.25").contains("0.15");
      assertThat(m.wallet().balance("acme")).isEqualByComparingTo("0.15");
      assertThat(header(refused, "Retry-After")).isEmpty();
    }
  }

  @Test
  void aLowBalanceWarnsInAHeaderAndEmitsOneEventPerCrossing() {
    Plan prepaid = plan("payg", 1).prepaid(true).price("summary", Price.of("1", "EUR", "call")).build();
    List<dev.monetize.billing.CreditsLow> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (Monetize m = Monetize.builder().catalog(catalog(prepaid)).timeSource(time).usageSink(usage)
        .lowCredits(new BigDecimal("2.5"), events::add).environment(KeyEnvironment.LIVE).build()) {
      IssuedKey k = key(m, "acme", "payg");
      m.wallet().add("acme", new BigDecimal("5"));
      assertThat(header(call(m, summary, k), Admission.CREDITS_LOW_HEADER)).isEmpty(); // 4 left
      assertThat(header(call(m, summary, k), Admission.CREDITS_LOW_HEADER)).isEmpty(); // 3 left
      assertThat(header(call(m, summary, k), Admission.CREDITS_LOW_HEADER)).contains("2");
      assertThat(header(call(m, summary, k), Admission.CREDITS_LOW_HEADER)).contains("1");
      assertThat(events).singleElement().satisfies(e -> {
        assertThat(e.customerId()).isEqualTo("acme");
        assertThat(e.balance()).isEqualByComparingTo("2");
      });
      m.wallet().add("acme", new BigDecimal("10")); // 11: above the threshold again
      for (int i = 0; i < 9; i++) {
        call(m, summary, k);
      }
      assertThat(events).hasSize(2);
      assertThat(events.get(1).balance()).isEqualByComparingTo("2");
    }
  }

  @Test
  void aRefusedCreditCheckChargesNoOtherLimit() {
    Plan prepaid = Plan.builder("payg").rank(1).rate(Rate.perSecond(1000).withBurst(1000)).quota(Quota.daily(3))
        .prepaid(true).price("summary", Price.of("1", "EUR", "call")).build();
    try (Monetize m = monetize(catalog(prepaid))) {
      IssuedKey k = key(m, "acme", "payg");
      for (int i = 0; i < 5; i++) {
        assertThat(call(m, summary, k).decision().error()).contains(ErrorCode.CREDITS_EXHAUSTED);
      }
      m.wallet().add("acme", new BigDecimal("10"));
      for (int i = 0; i < 3; i++) {
        assertThat(call(m, summary, k).decision().admitted()).isTrue();
      }
      assertThat(call(m, summary, k).decision().error()).contains(ErrorCode.QUOTA_EXHAUSTED);
      assertThat(m.wallet().balance("acme")).isEqualByComparingTo("7");
    }
  }

  @Test
  void billOverageAdmitsBeyondTheQuotaAndMarksTheUsage() {
    Plan bill = Plan.builder("metered").rank(1).rate(Rate.perSecond(1000).withBurst(1000)).quota(Quota.daily(2))
        .overage(Overage.BILL).build();
    try (Monetize m = monetize(catalog(bill))) {
      IssuedKey k = key(m, "acme", "metered");
      for (int i = 0; i < 5; i++) {
        Admission a = call(m, summary, k);
        if (i % 2 == 0) {
          assertThat(a.decision().admitted()).isTrue();
          assertThat(a.decision().overage()).isEqualTo(i >= 2);
          assertThat(a.decision().degraded()).isFalse();
          a.complete(200, 10);
        } else { // its decision is made only after the engine metered the call without it
          assertThat(a.admitted()).isTrue();
          assertThat(a.principal().orElseThrow().customerId()).isEqualTo("acme");
          a.complete(200, 10);
          assertThat(a.decision().overage()).isEqualTo(i >= 2);
          assertThat(a.decision().principal()).isEqualTo(a.principal());
          assertThat(a.decision()).isSameAs(a.decision());
        }
      }
      m.flushUsage();
      assertThat(usage.calls(r -> r.overage())).isEqualTo(3);
      assertThat(usage.calls(r -> !r.overage())).isEqualTo(2);
    }
  }

  @Test
  void degradeOverageAdmitsWithTheDegradedFlagAndHeader() {
    Plan degrade = Plan.builder("lite").rank(1).rate(Rate.perSecond(1000).withBurst(1000)).quota(Quota.daily(1))
        .overage(Overage.DEGRADE).build();
    try (Monetize m = monetize(catalog(degrade))) {
      IssuedKey k = key(m, "acme", "lite");
      Admission inside = call(m, summary, k);
      assertThat(inside.degraded()).as("before the decision is made").isFalse();
      assertThat(inside.decision().degraded()).isFalse();
      assertThat(header(inside, Admission.DEGRADED_HEADER)).isEmpty();
      Admission beyond = call(m, summary, k);
      assertThat(beyond.degraded()).as("before the decision is made").isTrue();
      assertThat(beyond.decision().admitted()).isTrue();
      assertThat(beyond.decision().degraded()).isTrue();
      assertThat(beyond.decision().overage()).isFalse();
      assertThat(header(beyond, Admission.DEGRADED_HEADER)).contains("quota-exceeded");
    }
  }

  @Test
  void aSoftQuotaStillLetsTheRateRefuse() {
    Plan bill = Plan.builder("metered").rank(1).rate(Rate.perSecond(1).withBurst(1)).quota(Quota.daily(1))
        .overage(Overage.BILL).build();
    try (Monetize m = monetize(catalog(bill))) {
      IssuedKey k = key(m, "acme", "metered");
      assertThat(call(m, summary, k).decision().admitted()).isTrue();
      assertThat(call(m, summary, k).decision().admitted()).isTrue();
      assertThat(call(m, summary, k).decision().error()).contains(ErrorCode.RATE_LIMITED);
    }
  }

  @Test
  void loadSheddingRefusesLowerTiersFirstWith503AndRetryAfter() {
    AtomicBoolean overloaded = new AtomicBoolean();
    OverloadSignal signal = (plans, inFlight) -> overloaded.get() ? plans.get(1).rank() : Integer.MIN_VALUE;
    Catalog c = catalog(plan("free", 0).build(), plan("pro", 10).build(), plan("enterprise", 20).build());
    try (Monetize m = monetize(c, LimiterStore.inMemory(), signal)) {
      IssuedKey free = key(m, "f", "free");
      IssuedKey pro = key(m, "p", "pro");
      IssuedKey ent = key(m, "e", "enterprise");
      assertThat(call(m, summary, free).decision().admitted()).isTrue();
      overloaded.set(true);
      Admission shed = call(m, summary, free);
      assertThat(shed.decision().error()).contains(ErrorCode.OVERLOADED);
      assertThat(shed.decision().status()).isEqualTo(503);
      assertThat(header(shed, "Retry-After")).contains("7");
      assertThat(call(m, summary, pro).decision().admitted()).isTrue();
      assertThat(call(m, summary, ent).decision().admitted()).isTrue();
      assertThat(m.metrics().shedRequests()).isEqualTo(1);
      // a shed request charged nothing: the free customer's daily quota shows only the first call
      overloaded.set(false);
      Admission after = call(m, summary, free);
      assertThat(after.decision().policies().get(1).remaining()).isEqualTo(1_000_000 - 2);
    }
  }

  @Test
  void builtInInFlightSignalShedsByRank() {
    Catalog c = catalog(plan("free", 0).build(), plan("pro", 10).build());
    try (Monetize m = monetize(c, LimiterStore.inMemory(), OverloadSignal.inFlight(2, 4))) {
      IssuedKey free = key(m, "f", "free");
      IssuedKey pro = key(m, "p", "pro");
      Admission a = call(m, summary, pro);
      Admission b = call(m, summary, pro);
      assertThat(m.metrics().inFlight()).isEqualTo(2);
      assertThat(call(m, summary, free).decision().error()).contains(ErrorCode.OVERLOADED);
      Admission c3 = call(m, summary, pro);
      assertThat(c3.decision().admitted()).isTrue();
      a.complete(200, 0);
      b.complete(200, 0);
      c3.complete(200, 0);
      assertThat(call(m, summary, free).decision().admitted()).isTrue();
    }
  }

  @Test
  void keyScopedLimitsAreCountedPerKeyAndCustomerScopedOnesAcrossKeys() {
    Plan p = Plan.builder("pro").rank(1).rate(Rate.perSecond(1000).withBurst(1000))
        .quota(Quota.of("per-key", 2, dev.monetize.plans.QuotaWindow.DAY).withScope(LimitScope.KEY))
        .quota(Quota.of("org", 3, dev.monetize.plans.QuotaWindow.DAY)).build();
    try (Monetize m = monetize(catalog(p))) {
      IssuedKey k1 = key(m, "acme", "pro");
      IssuedKey k2 = m.keys().issue("acme", Set.of("*"));
      assertThat(call(m, summary, k1).decision().admitted()).isTrue();
      assertThat(call(m, summary, k1).decision().admitted()).isTrue();
      Admission k1Third = call(m, summary, k1);
      assertThat(k1Third.decision().violatedPolicies()).containsExactly("per-key");
      assertThat(call(m, summary, k2).decision().admitted()).isTrue();
      Admission orgFull = call(m, summary, k2);
      assertThat(orgFull.decision().violatedPolicies()).containsExactly("org");
    }
  }

  @Test
  void operationAndIpScopedLimitsAreCountedSeparately() {
    Plan p = Plan.builder("pro").rank(1).rate(Rate.perSecond(1).withBurst(9).withScope(LimitScope.IP))
        .quota(Quota.of("per-op", 20, dev.monetize.plans.QuotaWindow.DAY).withScope(LimitScope.OPERATION)).build();
    try (Monetize m = monetize(catalog(true, p))) {
      IssuedKey k = key(m, "acme", "pro");
      for (int i = 0; i < 10; i++) {
        assertThat(call(m, summary, k, "10.0.0.1").decision().admitted()).isTrue();
      }
      assertThat(call(m, summary, k, "10.0.0.1").decision().error()).contains(ErrorCode.RATE_LIMITED);
      assertThat(call(m, summary, k, "10.0.0.2").decision().admitted()).isTrue();
      // export costs 10 units of its own per-operation quota: two fill it, summary's is untouched
      time.advance(Duration.ofSeconds(1));
      assertThat(call(m, export, k, "10.0.0.3").decision().admitted()).isTrue();
      time.advance(Duration.ofSeconds(10));
      assertThat(call(m, export, k, "10.0.0.3").decision().admitted()).isTrue();
      time.advance(Duration.ofSeconds(10));
      assertThat(call(m, export, k, "10.0.0.3").decision().error()).contains(ErrorCode.QUOTA_EXHAUSTED);
      Admission s = call(m, summary, k, "10.0.0.4");
      assertThat(s.decision().admitted()).isTrue();
      assertThat(s.decision().policies().get(1).remaining()).isEqualTo(20 - 12);
    }
  }

  @Test
  void anOperationNoLimitCouldEverAdmitIsRefusedAtBuildTime() {
    Plan tight = Plan.builder("pro").rank(1).rate(Rate.perSecond(5).withBurst(3)).quota(Quota.daily(100)).build();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> catalog(true, tight))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("operation 'export' costs 10").hasMessageContaining("burst to at least 9");
    Plan smallQuota = Plan.builder("pro").rank(1).rate(Rate.perSecond(5).withBurst(20)).quota(Quota.daily(5)).build();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> catalog(true, smallQuota))
        .hasMessageContaining("quota 'daily' allows only 5");
    // a plan that bills overage admits it anyway, so it is fine
    assertThat(catalog(true, Plan.builder("pro").rank(1).rate(Rate.perSecond(5).withBurst(20)).quota(Quota.daily(5))
        .overage(Overage.BILL).build()).plans()).hasSize(1);
  }

  @Test
  void anUnreachableStoreIsAnswered503StoreUnavailableAndCounted() {
    AtomicLong calls = new AtomicLong();
    LimiterStore down = new LimiterStore() {
      @Override
      public LimitVerdict acquire(List<LimitRequest> requests, long nowEpochNanos) {
        calls.incrementAndGet();
        throw new LimiterUnavailableException("redis://10.0.0.9:6379 timed out after 200 ms", new java.io.IOException("timeout"));
      }

      @Override
      public void release(List<LimitRequest> requests, LimitVerdict verdict) {}

      @Override
      public dev.monetize.limits.CreditEntry applyCredits(String key, String entryId, long delta) {
        throw new LimiterUnavailableException("down", new java.io.IOException("down"));
      }

      @Override
      public long credits(String key) {
        throw new LimiterUnavailableException("down", new java.io.IOException("down"));
      }

      @Override
      public List<dev.monetize.limits.PolicyState> peek(List<LimitRequest> requests, long now) {
        throw new LimiterUnavailableException("down", new java.io.IOException("down"));
      }
    };
    try (Monetize m = monetize(catalog(plan("pro", 1).build()), down, OverloadSignal.none())) {
      IssuedKey k = key(m, "acme", "pro");
      Admission a = call(m, summary, k);
      assertThat(a.decision().error()).contains(ErrorCode.STORE_UNAVAILABLE);
      assertThat(a.decision().status()).isEqualTo(503);
      assertThat(header(a, "Retry-After")).isPresent();
      assertThat(new String(a.problemBody(), java.nio.charset.StandardCharsets.UTF_8))
          .contains("store_unavailable").doesNotContain("10.0.0.9");
      assertThat(m.metrics().limiterStoreOutages()).isEqualTo(1);
      assertThat(m.metrics().inFlight()).isZero();
      assertThat(calls.get()).isEqualTo(1);
    }
  }

  @Test
  void outageModesArePassedToTheStorePerLimit() {
    Plan p = Plan.builder("pro").rank(1).rate(Rate.perSecond(10))
        .quota(Quota.daily(100).onOutage(StoreOutage.FAIL_OPEN)).concurrency(Concurrency.of(5)).build();
    List<List<LimitRequest>> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    LimiterStore real = LimiterStore.inMemory();
    LimiterStore spy = new LimiterStore() {
      @Override
      public LimitVerdict acquire(List<LimitRequest> requests, long nowEpochNanos) {
        seen.add(requests);
        return real.acquire(requests, nowEpochNanos);
      }

      @Override
      public void release(List<LimitRequest> requests, LimitVerdict verdict) {
        real.release(requests, verdict);
      }

      @Override
      public dev.monetize.limits.CreditEntry applyCredits(String key, String entryId, long delta) {
        return real.applyCredits(key, entryId, delta);
      }

      @Override
      public long credits(String key) {
        return real.credits(key);
      }

      @Override
      public List<dev.monetize.limits.PolicyState> peek(List<LimitRequest> requests, long now) {
        return real.peek(requests, now);
      }
    };
    try (Monetize m = monetize(catalog(p), spy, OverloadSignal.none())) {
      call(m, summary, key(m, "acme", "pro")).complete(200, 0);
      List<LimitRequest> r = seen.get(0);
      assertThat(r).extracting(LimitRequest::key).containsExactly("{acme}:rate", "{acme}:daily", "{acme}:concurrency");
      assertThat(r).extracting(LimitRequest::onOutage)
          .containsExactly(StoreOutage.FAIL_OPEN, StoreOutage.FAIL_OPEN, StoreOutage.FAIL_OPEN);
    }
  }
}
