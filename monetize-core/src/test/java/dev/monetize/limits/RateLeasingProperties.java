package dev.monetize.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.QuotaWindow;
import dev.monetize.plans.Rate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * Leasing over one shared store, several instances: in any interval of length W they admit at most
 * what the exact rate admits in W + maxAge; quotas are never leased; a customer calling rarely gets
 * exactly the exact mode's answers; a hot one costs the shared store one call per batch.
 */
class RateLeasingProperties {
  private static final long START = 1_700_000_000_000_000_000L;

  /** A shared store that counts its calls. */
  private static final class Counting implements LimiterStore {
    final LimiterStore inner = LimiterStore.inMemory();
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public LimitVerdict acquire(List<LimitRequest> requests, long now) {
      calls.incrementAndGet();
      return inner.acquire(requests, now);
    }

    @Override
    public List<PolicyState> peek(List<LimitRequest> requests, long now) {
      return inner.peek(requests, now);
    }

    @Override
    public void release(List<LimitRequest> requests, LimitVerdict verdict) {
      inner.release(requests, verdict);
    }

    @Override
    public CreditEntry applyCredits(String key, String entryId, long delta) {
      return inner.applyCredits(key, entryId, delta);
    }

    @Override
    public long credits(String key) {
      return inner.credits(key);
    }
  }

  @Property(tries = 300)
  void instancesTogetherNeverExceedTheRateOverTheIntervalPlusTheLeaseAge(
      @ForAll @IntRange(min = 1, max = 4) int instances,
      @ForAll @IntRange(min = 1, max = 200) int count,
      @ForAll @LongRange(min = 10, max = 2_000) long periodMillis,
      @ForAll @IntRange(min = 0, max = 50) int burst,
      @ForAll @IntRange(min = 1, max = 32) int maxBatch,
      @ForAll @LongRange(min = 1, max = 200) long maxAgeMillis,
      @ForAll @Size(min = 1, max = 300) List<@LongRange(min = 0, max = 30_000_000) Long> gaps,
      @ForAll @Size(min = 1, max = 300) List<@IntRange(min = 0, max = 3) Integer> callers) {
    long[] clock = {START};
    Counting shared = new Counting();
    List<RateLeasing> nodes = new ArrayList<>();
    for (int i = 0; i < instances; i++) {
      nodes.add(RateLeasing.over(shared).maxBatch(maxBatch).maxAge(Duration.ofMillis(maxAgeMillis))
          .ticker(() -> clock[0]).build());
    }
    RatePolicy policy = new RatePolicy("rate", Rate.of(count, Duration.ofMillis(periodMillis)).withBurst(burst));
    List<LimitRequest> limits = List.of(new LimitRequest("{acme}:rate", policy, 1));
    List<Long> admitted = new ArrayList<>();
    for (int i = 0; i < gaps.size(); i++) {
      clock[0] += gaps.get(i);
      if (nodes.get(callers.get(i % callers.size()) % instances).acquire(limits, clock[0]).admitted()) {
        admitted.add(clock[0]);
      }
    }
    long periodNanos = Duration.ofMillis(periodMillis).toNanos();
    long maxAge = Duration.ofMillis(maxAgeMillis).toNanos();
    for (int a = 0; a < admitted.size(); a++) {
      for (int b = a; b < admitted.size(); b++) {
        long elapsed = admitted.get(b) - admitted.get(a);
        long allowed = Math.floorDiv((elapsed + maxAge) * count, periodNanos) + burst + 1;
        assertThat((long) (b - a + 1)).as("calls admitted in [%d, %d]", a, b).isLessThanOrEqualTo(allowed);
      }
    }
  }

  @Property(tries = 100)
  void aLeaseIsNeverSpentPastItsAgeCountedFromItsCharge(
      @ForAll @IntRange(min = 2, max = 64) int maxBatch,
      @ForAll @LongRange(min = 1, max = 500) long maxAgeMillis) {
    long[] clock = {START};
    Counting shared = new Counting();
    long maxAge = Duration.ofMillis(maxAgeMillis).toNanos();
    RateLeasing leasing = RateLeasing.over(shared).maxBatch(maxBatch).maxAge(Duration.ofMillis(maxAgeMillis))
        .ticker(() -> clock[0]).build();
    List<LimitRequest> limits = List.of(new LimitRequest("{acme}:rate",
        new RatePolicy("rate", Rate.perSecond(1_000_000_000).withBurst(100_000)), 1));
    long step = Math.max(1, maxAge / (4L * maxBatch));
    int before;
    do { // hot: many calls per lease age, until a call charges a new batch
      clock[0] += step;
      before = shared.calls.get();
      leasing.acquire(limits, clock[0]);
    } while (shared.calls.get() == before || clock[0] - START < maxAge);
    long charged = clock[0];
    int afterCharge = shared.calls.get();
    clock[0] = charged + maxAge * 6 / 10;
    assertThat(leasing.acquire(limits, clock[0]).admitted()).isTrue();
    assertThat(shared.calls.get()).as("served from the lease, younger than its age").isEqualTo(afterCharge);
    clock[0] = charged + maxAge * 12 / 10;
    leasing.acquire(limits, clock[0]);
    assertThat(shared.calls.get()).as("the lease aged out, counted from its charge, not its last use")
        .isEqualTo(afterCharge + 1);
  }

  @Property(tries = 200)
  void aRefusalSaysWhenOneCallPasses(
      @ForAll @IntRange(min = 1, max = 50) int count,
      @ForAll @IntRange(min = 0, max = 40) int burst,
      @ForAll @IntRange(min = 2, max = 64) int maxBatch) {
    long[] clock = {START};
    LimiterStore shared = LimiterStore.inMemory();
    RateLeasing leasing = RateLeasing.over(shared).maxBatch(maxBatch).ticker(() -> clock[0]).build();
    List<LimitRequest> limits = List.of(new LimitRequest("{acme}:rate",
        new RatePolicy("rate", Rate.of(count, Duration.ofSeconds(1)).withBurst(burst)), 1));
    int refusals = 0;
    for (int i = 0; i < 2_000 && refusals < 5; i++) {
      clock[0] += 100_000; // 10,000 calls a second: far over the rate
      LimitVerdict v = leasing.acquire(limits, clock[0]);
      if (!v.admitted()) {
        refusals++;
        // the shared store, asked for this one call, refuses it for exactly as long
        LimitVerdict direct = shared.acquire(limits, clock[0]);
        assertThat(direct.admitted()).isFalse();
        assertThat(v.retryAfterNanos()).isEqualTo(direct.retryAfterNanos());
        clock[0] += v.retryAfterNanos(); // exactly then, one call passes
        assertThat(leasing.acquire(limits, clock[0]).admitted()).as("a call at the retry time").isTrue();
      }
    }
    assertThat(refusals).isPositive();
  }

  @Property(tries = 200)
  void aQuotaIsNeverLeasedSoItIsExact(
      @ForAll @IntRange(min = 1, max = 4) int instances,
      @ForAll @IntRange(min = 1, max = 100) int quota,
      @ForAll @Size(min = 1, max = 300) List<@LongRange(min = 0, max = 5_000_000) Long> gaps) {
    long[] clock = {START};
    Counting shared = new Counting();
    List<RateLeasing> nodes = new ArrayList<>();
    for (int i = 0; i < instances; i++) {
      nodes.add(RateLeasing.over(shared).maxBatch(16).ticker(() -> clock[0]).build());
    }
    List<LimitRequest> limits = List.of(
        new LimitRequest("{acme}:rate", new RatePolicy("rate", Rate.perSecond(1_000_000).withBurst(1_000)), 1),
        new LimitRequest("{acme}:daily", new QuotaPolicy("daily", quota, QuotaWindow.DAY, BillingAnchor.DEFAULT), 1));
    int admitted = 0;
    for (int i = 0; i < gaps.size(); i++) {
      clock[0] += gaps.get(i);
      if (nodes.get(i % instances).acquire(limits, clock[0]).admitted()) {
        admitted++;
      }
    }
    assertThat(admitted).isEqualTo(Math.min(quota, gaps.size()));
    assertThat(shared.calls.get()).isEqualTo(gaps.size()); // every call went to the shared store
  }

  @Property(tries = 200)
  void aCustomerCallingRarelyGetsTheExactAnswers(
      @ForAll @IntRange(min = 1, max = 20) int count,
      @ForAll @IntRange(min = 0, max = 5) int burst,
      @ForAll @Size(min = 1, max = 100) List<@LongRange(min = 100_000_001, max = 2_000_000_000) Long> gaps) {
    long[] clock = {START};
    RateLeasing leasing = RateLeasing.over(LimiterStore.inMemory()).maxAge(Duration.ofMillis(50))
        .ticker(() -> clock[0]).build();
    LimiterStore exact = LimiterStore.inMemory();
    RatePolicy policy = new RatePolicy("rate", Rate.of(count, Duration.ofSeconds(1)).withBurst(burst));
    List<LimitRequest> limits = List.of(new LimitRequest("{acme}:rate", policy, 1));
    for (long gap : gaps) {
      clock[0] += gap; // more than two lease ages apart: no demand to size a batch by
      assertThat(leasing.acquire(limits, clock[0])).isEqualTo(exact.acquire(limits, clock[0]));
    }
  }

  @Property(tries = 100)
  void aHotCustomerCostsTheSharedStoreOneCallPerBatch(
      @ForAll @IntRange(min = 2, max = 64) int maxBatch,
      @ForAll @IntRange(min = 500, max = 3_000) int calls) {
    long[] clock = {START};
    Counting shared = new Counting();
    RateLeasing leasing = RateLeasing.over(shared).maxBatch(maxBatch).maxAge(Duration.ofMillis(50))
        .ticker(() -> clock[0]).build();
    // a generous rate, one call every 10 us: thousands per lease age
    List<LimitRequest> limits = List.of(new LimitRequest("{acme}:rate",
        new RatePolicy("rate", Rate.perSecond(1_000_000).withBurst(1_000)), 1));
    for (int i = 0; i < calls; i++) {
      clock[0] += 10_000;
      assertThat(leasing.acquire(limits, clock[0]).admitted()).isTrue();
    }
    // the batch doubles with demand up to maxBatch, then one shared call per full batch (no lease
    // expires: the calls span less than one lease age)
    assertThat((long) shared.calls.get()).isLessThanOrEqualTo(maxBatch + calls / maxBatch + 2L);
  }

  @Property(tries = 100)
  void aRefusalIsRememberedUntilItsRetryTime(
      @ForAll @IntRange(min = 1, max = 10) int count,
      @ForAll @IntRange(min = 10, max = 500) int calls) {
    long[] clock = {START};
    Counting shared = new Counting();
    RateLeasing leasing = RateLeasing.over(shared).ticker(() -> clock[0]).build();
    List<LimitRequest> limits = List.of(new LimitRequest("{acme}:rate",
        new RatePolicy("rate", Rate.of(count, Duration.ofSeconds(1))), 1));
    int admitted = 0;
    for (int i = 0; i < calls; i++) {
      clock[0] += 1_000_000; // 1000 calls a second against a rate of at most 10
      LimitVerdict v = leasing.acquire(limits, clock[0]);
      if (v.admitted()) {
        admitted++;
      } else {
        assertThat(v.retryAfterNanos()).isPositive();
      }
    }
    long seconds = calls / 1_000 + 1;
    assertThat(admitted).isLessThanOrEqualTo((int) (count * (seconds + 1) + 1));
    // at most two shared calls per admission (a batch refused, then one call) and one per retry
    assertThat(shared.calls.get()).isLessThanOrEqualTo(3 * admitted + 2);
  }
}
