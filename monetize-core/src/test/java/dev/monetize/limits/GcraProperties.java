package dev.monetize.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.plans.Rate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * GCRA never admits more than {@code rate x elapsed + burst + 1} units in any interval (the +1 is
 * the request that starts the interval), and always admits a client that keeps to the rate.
 */
class GcraProperties {
  private static final long START = 1_700_000_000_000_000_000L;

  @Property(tries = 300)
  void neverAdmitsMoreThanRateTimesTimePlusBurst(
      @ForAll @IntRange(min = 1, max = 50) int count,
      @ForAll @LongRange(min = 1, max = 5_000) long periodMillis,
      @ForAll @IntRange(min = 0, max = 20) int burst,
      @ForAll @Size(min = 1, max = 200) List<@LongRange(min = 0, max = 400_000_000) Long> gaps,
      @ForAll @Size(min = 1, max = 200) List<@IntRange(min = 1, max = 3) Integer> costs) {
    Rate rate = Rate.of(count, Duration.ofMillis(periodMillis)).withBurst(burst);
    LimiterStore store = LimiterStore.inMemory();
    RatePolicy policy = new RatePolicy("rate", rate);
    long now = START;
    List<long[]> admitted = new ArrayList<>(); // {time, cost}
    for (int i = 0; i < gaps.size(); i++) {
      now += gaps.get(i);
      int cost = costs.get(i % costs.size());
      if (store.acquire(List.of(new LimitRequest("k", policy, cost)), now).admitted()) {
        admitted.add(new long[] {now, cost});
      }
    }
    long periodNanos = Duration.ofMillis(periodMillis).toNanos();
    for (int a = 0; a < admitted.size(); a++) {
      long units = 0;
      for (int b = a; b < admitted.size(); b++) {
        units += admitted.get(b)[1];
        long elapsed = admitted.get(b)[0] - admitted.get(a)[0];
        // units allowed: floor(elapsed * count / period) + burst + 1 (BigInteger-free: elapsed < 2^40)
        long allowed = Math.floorDiv(elapsed * (long) count, periodNanos) + burst + 1;
        assertThat(units).as("units admitted in [%d, %d]", a, b).isLessThanOrEqualTo(allowed);
      }
    }
  }

  @Property(tries = 300)
  void theRemainingCountNeverExceedsTheAnnouncedQuota(
      @ForAll @IntRange(min = 1, max = 50) int count,
      @ForAll @LongRange(min = 1, max = 5_000) long periodMillis,
      @ForAll @IntRange(min = 0, max = 200) int burst,
      @ForAll @Size(min = 1, max = 100) List<@LongRange(min = 0, max = 400_000_000) Long> gaps) {
    RatePolicy policy = new RatePolicy("rate", Rate.of(count, Duration.ofMillis(periodMillis)).withBurst(burst));
    LimiterStore store = LimiterStore.inMemory();
    LimitRequest request = new LimitRequest("k", policy, 1);
    long now = START;
    assertThat(store.peek(List.of(request), now).get(0).remaining()).isLessThanOrEqualTo(count);
    for (long gap : gaps) {
      now += gap;
      PolicyState s = store.acquire(List.of(request), now).policies().get(0);
      assertThat(s.quota()).isEqualTo(count);
      assertThat(s.remaining()).as("r of q=%d with burst %d", count, burst).isBetween(0L, (long) count);
    }
  }

  @Property(tries = 200)
  void aClientKeepingToTheRateIsNeverRefused(
      @ForAll @IntRange(min = 1, max = 1000) int count,
      @ForAll @LongRange(min = 1, max = 60_000) long periodMillis,
      @ForAll @IntRange(min = 0, max = 5) int burst,
      @ForAll @IntRange(min = 1, max = 300) int requests) {
    Rate rate = Rate.of(count, Duration.ofMillis(periodMillis)).withBurst(burst);
    LimiterStore store = LimiterStore.inMemory();
    LimitRequest r = new LimitRequest("k", new RatePolicy("rate", rate), 1);
    long spacing = rate.emissionIntervalNanos();
    for (int i = 0; i < requests; i++) {
      assertThat(store.acquire(List.of(r), START + i * spacing).admitted()).as("request %d", i).isTrue();
    }
  }

  @Property(tries = 200)
  void remainingIsAdmittedNextAndExactBelowTheQuota(
      @ForAll @IntRange(min = 1, max = 100) int count,
      @ForAll @IntRange(min = 0, max = 30) int burst,
      @ForAll @IntRange(min = 0, max = 40) int used) {
    LimiterStore store = LimiterStore.inMemory();
    LimitRequest r = new LimitRequest("k", new RatePolicy("rate", Rate.perSecond(count).withBurst(burst)), 1);
    LimitVerdict last = null;
    for (int i = 0; i <= used; i++) {
      LimitVerdict v = store.acquire(List.of(r), START);
      if (v.admitted()) {
        last = v;
      }
    }
    long remaining = last.policies().get(0).remaining();
    for (long i = 0; i < remaining; i++) { // a promise: every unit announced is admitted
      assertThat(store.acquire(List.of(r), START).admitted()).isTrue();
    }
    if (remaining < count) { // below the announced quota it is exact (at it, a larger burst may admit more)
      assertThat(store.acquire(List.of(r), START).admitted()).isFalse();
    }
  }
}
