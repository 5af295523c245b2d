package dev.monetize.testkit;

import dev.monetize.limits.ConcurrencyPolicy;
import dev.monetize.limits.CreditEntry;
import dev.monetize.limits.CreditPolicy;
import dev.monetize.limits.LimitRequest;
import dev.monetize.limits.LimitVerdict;
import dev.monetize.limits.LimiterStore;
import dev.monetize.limits.PolicyState;
import dev.monetize.limits.QuotaPolicy;
import dev.monetize.limits.RatePolicy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.QuotaWindow;
import dev.monetize.plans.Rate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link LimiterStore} meets (the Micrometer-TCK idea): extend it and return
 * the store under test. Keys are unique per test so a shared backend needs no cleanup.
 */
public abstract class LimiterStoreContract {
  /** For the implementation's test class. */
  protected LimiterStoreContract() {}

  /** Jan 15 2026, 12:00 UTC: far from any window boundary. */
  protected static final long NOW = Instant.parse("2026-01-15T12:00:00Z").getEpochSecond() * 1_000_000_000L;

  /** The store under test. Called once per test. */
  protected abstract LimiterStore store();

  /** A second, independent client of the same backend (another JVM's view); by default the same. */
  protected LimiterStore secondClientOfSameBackend(LimiterStore first) {
    return first;
  }

  /** One hash tag per test, as the engine uses one per customer, so multi-key calls stay in one cluster slot. */
  private final String tag = "{t-" + UUID.randomUUID() + "}:";

  /** A state key of this test's customer. */
  protected String key(String name) {
    return tag + name + ":" + UUID.randomUUID();
  }

  protected static LimitRequest quota(String key, long limit) {
    return new LimitRequest(key, new QuotaPolicy("daily", limit, QuotaWindow.DAY, BillingAnchor.DEFAULT), 1);
  }

  protected static LimitRequest rate(String key, long perSecond, long burst) {
    return new LimitRequest(key, new RatePolicy("rate", Rate.perSecond(perSecond).withBurst(burst)), 1);
  }

  @Test
  void quotaAdmitsExactlyItsLimitThenRefusesUntilTheWindowEnds() {
    LimiterStore store = store();
    LimitRequest q = quota(key("daily"), 3);
    for (int i = 1; i <= 3; i++) {
      LimitVerdict v = store.acquire(List.of(q), NOW);
      assertThat(v.admitted()).isTrue();
      assertThat(v.policies().get(0).remaining()).isEqualTo(3 - i);
    }
    LimitVerdict refused = store.acquire(List.of(q), NOW);
    assertThat(refused.admitted()).isFalse();
    assertThat(refused.policies().get(0).violated()).isTrue();
    assertThat(refused.policies().get(0).remaining()).isZero();
    long midnight = Instant.parse("2026-01-16T00:00:00Z").getEpochSecond() * 1_000_000_000L;
    assertThat(refused.retryAfterNanos()).isGreaterThanOrEqualTo(midnight - NOW);
    assertThat(refused.policies().get(0).resetSeconds()).isEqualTo(12 * 3600);
    assertThat(store.acquire(List.of(q), midnight).admitted()).isTrue();
  }

  @Test
  void weightedCostIsChargedInFull() {
    LimiterStore store = store();
    LimitRequest q = quota(key("daily"), 25).withCost(10);
    assertThat(store.acquire(List.of(q), NOW).admitted()).isTrue();
    assertThat(store.acquire(List.of(q), NOW).admitted()).isTrue();
    LimitVerdict third = store.acquire(List.of(q), NOW);
    assertThat(third.admitted()).isFalse();
    assertThat(third.policies().get(0).remaining()).isEqualTo(5);
    assertThat(store.acquire(List.of(q.withCost(5)), NOW).admitted()).isTrue();
  }

  @Test
  void rateAdmitsBurstPlusOneAtOnceThenOnePerInterval() {
    LimiterStore store = store();
    LimitRequest r = rate(key("rate"), 10, 4); // T = 100 ms, 5 at once
    for (int i = 0; i < 5; i++) {
      assertThat(store.acquire(List.of(r), NOW).admitted()).as("request %d", i).isTrue();
    }
    LimitVerdict refused = store.acquire(List.of(r), NOW);
    assertThat(refused.admitted()).isFalse();
    assertThat(refused.retryAfterNanos()).isEqualTo(100_000_000L);
    assertThat(store.acquire(List.of(r), NOW + 100_000_000L).admitted()).isTrue();
    assertThat(store.acquire(List.of(r), NOW + 100_000_000L).admitted()).isFalse();
  }

  @Test
  void whenOneLimitRefusesNoLimitIsCharged() {
    LimiterStore store = store();
    LimitRequest generous = quota(key("monthly"), 100);
    LimitRequest tight = new LimitRequest(key("hourly"),
        new QuotaPolicy("hourly", 2, QuotaWindow.HOUR, BillingAnchor.DEFAULT), 1);
    List<LimitRequest> both = List.of(generous, tight);
    assertThat(store.acquire(both, NOW).admitted()).isTrue();
    assertThat(store.acquire(both, NOW).admitted()).isTrue();
    for (int i = 0; i < 10; i++) {
      LimitVerdict v = store.acquire(both, NOW);
      assertThat(v.admitted()).isFalse();
      assertThat(v.policies().get(0).violated()).isFalse();
      assertThat(v.policies().get(0).remaining()).isEqualTo(98);
      assertThat(v.policies().get(1).violated()).isTrue();
    }
    // the generous quota was charged exactly twice
    LimitVerdict alone = store.acquire(List.of(generous), NOW);
    assertThat(alone.policies().get(0).remaining()).isEqualTo(97);
  }

  @Test
  void rateRefusalDoesNotChargeTheQuota() {
    LimiterStore store = store();
    LimitRequest r = rate(key("rate"), 1, 0);
    LimitRequest q = quota(key("daily"), 100);
    assertThat(store.acquire(List.of(r, q), NOW).admitted()).isTrue();
    for (int i = 0; i < 5; i++) {
      assertThat(store.acquire(List.of(r, q), NOW).admitted()).isFalse();
    }
    assertThat(store.acquire(List.of(q), NOW).policies().get(0).remaining()).isEqualTo(98);
  }

  @Test
  void sixteenThreadsOnOneQuotaAdmitExactlyTheQuota() throws Exception {
    LimiterStore store = store();
    LimiterStore other = secondClientOfSameBackend(store);
    int quota = 500;
    LimitRequest q = quota(key("daily"), quota);
    LimitRequest r = rate(key("rate"), 1_000_000, 1_000_000);
    int total = Concurrently.call(16, t -> {
      LimiterStore s = t % 2 == 0 ? store : other;
      int admitted = 0;
      for (int i = 0; i < 100; i++) {
        if (s.acquire(List.of(r, q), NOW).admitted()) {
          admitted++;
        }
      }
      return admitted;
    }).stream().mapToInt(Integer::intValue).sum();
    assertThat(total).isEqualTo(quota);
  }

  @Test
  void concurrencySlotsAreHeldUntilReleased() {
    LimiterStore store = store();
    LimitRequest c = new LimitRequest(key("concurrency"), new ConcurrencyPolicy("concurrency", 2), 1);
    LimitVerdict first = store.acquire(List.of(c), NOW);
    LimitVerdict second = store.acquire(List.of(c), NOW);
    assertThat(first.admitted()).isTrue();
    assertThat(second.admitted()).isTrue();
    assertThat(second.policies().get(0).remaining()).isZero();
    assertThat(second.policies().get(0).unit()).isEqualTo("concurrent-requests");
    LimitVerdict third = store.acquire(List.of(c), NOW);
    assertThat(third.admitted()).isFalse();
    store.release(List.of(c), first);
    assertThat(store.acquire(List.of(c), NOW).admitted()).isTrue();
    assertThat(store.acquire(List.of(c), NOW).admitted()).isFalse();
  }

  @Test
  void aRefusedConcurrencySlotIsNotHeld() {
    LimiterStore store = store();
    LimitRequest c = new LimitRequest(key("concurrency"), new ConcurrencyPolicy("concurrency", 1), 1);
    LimitRequest q = quota(key("daily"), 1);
    assertThat(store.acquire(List.of(q), NOW).admitted()).isTrue(); // quota used up
    for (int i = 0; i < 3; i++) {
      assertThat(store.acquire(List.of(c, q), NOW).admitted()).isFalse();
    }
    assertThat(store.acquire(List.of(c), NOW).admitted()).as("slot still free").isTrue();
  }

  @Test
  void creditsAreDeductedExactlyAndRefusedWhenShort() {
    LimiterStore store = store();
    String wallet = key("credits");
    assertThat(store.applyCredits(wallet, "a", 5_000).balance()).isEqualTo(5_000);
    LimitRequest call = new LimitRequest(wallet, new CreditPolicy("credits"), 2_000);
    assertThat(store.acquire(List.of(call), NOW).admitted()).isTrue();
    assertThat(store.acquire(List.of(call), NOW).admitted()).isTrue();
    LimitVerdict short1 = store.acquire(List.of(call), NOW);
    assertThat(short1.admitted()).isFalse();
    assertThat(short1.policies().get(0).remaining()).isEqualTo(1_000);
    assertThat(store.credits(wallet)).isEqualTo(1_000);
    assertThat(store.applyCredits(wallet, "b", 1_000).balance()).isEqualTo(2_000);
    assertThat(store.acquire(List.of(call), NOW).admitted()).isTrue();
    assertThat(store.credits(wallet)).isZero();
  }

  @Test
  void aWalletEntryIsAppliedOncePerIdAndNeverOverdraws() {
    LimiterStore store = store();
    String wallet = key("credits");
    assertThat(store.credits(wallet)).isZero();
    assertThat(store.applyCredits(wallet, "t1", 5_000))
        .isEqualTo(new CreditEntry(CreditEntry.Outcome.APPLIED, 5_000, 5_000));
    assertThat(store.applyCredits(wallet, "t2", -1_000))
        .isEqualTo(new CreditEntry(CreditEntry.Outcome.APPLIED, -1_000, 4_000));
    // a retry answers as the first time did, whatever the amount asked now (the caller compares)
    assertThat(store.applyCredits(wallet, "t1", 5_000))
        .isEqualTo(new CreditEntry(CreditEntry.Outcome.REPEATED, 5_000, 5_000));
    assertThat(store.applyCredits(wallet, "t1", 7_000))
        .isEqualTo(new CreditEntry(CreditEntry.Outcome.REPEATED, 5_000, 5_000));
    // below zero: nothing moves, and the id stays free
    assertThat(store.applyCredits(wallet, "t3", -4_001))
        .isEqualTo(new CreditEntry(CreditEntry.Outcome.INSUFFICIENT, -4_001, 4_000));
    assertThat(store.applyCredits(wallet, "t3", -4_000))
        .isEqualTo(new CreditEntry(CreditEntry.Outcome.APPLIED, -4_000, 0));
    assertThat(store.credits(wallet)).isZero();
  }

  @Test
  void sixteenThreadsOnTwoClientsApplyOneEntryOnce() throws Exception {
    LimiterStore store = store();
    LimiterStore other = secondClientOfSameBackend(store);
    String wallet = key("credits");
    List<CreditEntry> answers = Concurrently.call(16, t -> (t % 2 == 0 ? store : other)
        .applyCredits(wallet, "top-up-1", 2_500));
    assertThat(answers).filteredOn(a -> a.outcome() == CreditEntry.Outcome.APPLIED).hasSize(1);
    assertThat(answers).allSatisfy(a -> assertThat(a.balance()).isEqualTo(2_500));
    assertThat(store.credits(wallet)).isEqualTo(2_500);
  }

  @Test
  void creditsAreNotDeductedWhenAnotherLimitRefuses() {
    LimiterStore store = store();
    String wallet = key("credits");
    store.applyCredits(wallet, "a", 10_000);
    LimitRequest q = quota(key("daily"), 1);
    LimitRequest call = new LimitRequest(wallet, new CreditPolicy("credits"), 1_000);
    assertThat(store.acquire(List.of(q, call), NOW).admitted()).isTrue();
    assertThat(store.acquire(List.of(q, call), NOW).admitted()).isFalse();
    assertThat(store.credits(wallet)).isEqualTo(9_000);
  }

  @Test
  void softQuotaAdmitsBeyondTheLimitAndSaysSo() {
    LimiterStore store = store();
    LimitRequest q = quota(key("daily"), 2).withSoft(true);
    assertThat(store.acquire(List.of(q), NOW).exceeded()).isFalse();
    assertThat(store.acquire(List.of(q), NOW).exceeded()).isFalse();
    LimitVerdict over = store.acquire(List.of(q), NOW);
    assertThat(over.admitted()).isTrue();
    assertThat(over.exceeded()).isTrue();
    assertThat(over.policies().get(0).remaining()).isZero();
    // a hard view of the same key sees the overage
    assertThat(store.acquire(List.of(q.withSoft(false)), NOW).admitted()).isFalse();
  }

  @Test
  void sixteenThreadsOnOneWalletNeverOverdraw() throws Exception {
    LimiterStore store = store();
    LimiterStore other = secondClientOfSameBackend(store);
    String wallet = key("credits");
    store.applyCredits(wallet, "a", 300 * 1_000L);
    LimitRequest call = new LimitRequest(wallet, new CreditPolicy("credits"), 1_000);
    int total = Concurrently.call(16, t -> {
      LimiterStore s = t % 2 == 0 ? store : other;
      int admitted = 0;
      for (int i = 0; i < 30; i++) {
        if (s.acquire(List.of(call), NOW).admitted()) {
          admitted++;
        }
      }
      return admitted;
    }).stream().mapToInt(Integer::intValue).sum();
    assertThat(total).isEqualTo(300);
    assertThat(store.credits(wallet)).isZero();
  }

  @Test
  void policiesAreReportedInRequestOrderWithTheirAnnouncement() {
    LimiterStore store = store();
    LimitVerdict v = store.acquire(List.of(rate(key("rate"), 10, 0), quota(key("daily"), 1000)), NOW);
    assertThat(v.policies()).extracting(PolicyState::name).containsExactly("rate", "daily");
    assertThat(v.policies().get(0).quota()).isEqualTo(10);
    assertThat(v.policies().get(0).windowSeconds()).isEqualTo(1);
    assertThat(v.policies().get(1).quota()).isEqualTo(1000);
    assertThat(v.policies().get(1).windowSeconds()).isEqualTo(Duration.ofDays(1).toSeconds());
  }

  @Test
  void peekReportsTheLimitsAsTheyStandAndChargesNothing() {
    LimiterStore store = store();
    LimitRequest q = quota(key("daily"), 5);
    LimitRequest r = rate(key("rate"), 10, 4);
    assertThat(store.peek(List.of(r, q), NOW)).extracting(PolicyState::remaining).containsExactly(5L, 5L);
    store.acquire(List.of(r, q), NOW);
    store.acquire(List.of(r, q), NOW);
    for (int i = 0; i < 3; i++) {
      List<PolicyState> states = store.peek(List.of(r, q), NOW);
      assertThat(states).extracting(PolicyState::remaining).containsExactly(3L, 3L);
      assertThat(states).noneMatch(PolicyState::violated);
    }
    assertThat(store.acquire(List.of(r, q), NOW).policies().get(1).remaining()).isEqualTo(2);
  }
}
