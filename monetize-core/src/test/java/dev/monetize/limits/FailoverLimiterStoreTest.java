package dev.monetize.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.QuotaWindow;
import dev.monetize.plans.Rate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The outage policy any shared store gets: fail closed or decide locally, leave the primary alone, recover. */
class FailoverLimiterStoreTest {
  private static final long NOW = 1_800_000_000_000_000_000L;

  /** A primary that is up or down at the test's command, counting its calls. */
  private static final class Switchable implements LimiterStore {
    final LimiterStore real = LimiterStore.inMemory();
    final AtomicBoolean up = new AtomicBoolean(true);
    final AtomicInteger calls = new AtomicInteger();

    private void check() {
      calls.incrementAndGet();
      if (!up.get()) {
        throw new LimiterUnavailableException("primary down", new IllegalStateException("connection refused"));
      }
    }

    @Override
    public LimitVerdict acquire(List<LimitRequest> requests, long nowEpochNanos) {
      check();
      return real.acquire(requests, nowEpochNanos);
    }

    @Override
    public List<PolicyState> peek(List<LimitRequest> requests, long nowEpochNanos) {
      check();
      return real.peek(requests, nowEpochNanos);
    }

    @Override
    public void release(List<LimitRequest> requests, LimitVerdict verdict) {
      real.release(requests, verdict);
    }

    @Override
    public CreditEntry applyCredits(String key, String entryId, long delta) {
      check();
      return real.applyCredits(key, entryId, delta);
    }

    @Override
    public long credits(String key) {
      check();
      return real.credits(key);
    }
  }

  private final Switchable primary = new Switchable();
  private final LimiterStore fallback = LimiterStore.inMemory();
  private final LimitRequest rate = new LimitRequest("{c}:rate", new RatePolicy("rate", Rate.perSecond(100)), 1);
  private final LimitRequest quota = new LimitRequest("{c}:daily",
      new QuotaPolicy("daily", 10, QuotaWindow.DAY, BillingAnchor.DEFAULT), 1);
  private final LimitRequest concurrency = new LimitRequest("{c}:conc", new ConcurrencyPolicy("concurrent", 1), 1);

  @Test
  void failOpenLimitsAreDecidedLocallyAndFailClosedOnesRefused() {
    FailoverLimiterStore store = FailoverLimiterStore.of("the test store", primary, fallback, Duration.ofHours(1));
    assertThat(store.acquire(List.of(rate), NOW).admitted()).isTrue();
    primary.up.set(false);
    assertThat(store.acquire(List.of(rate), NOW).admitted()).isTrue();
    assertThat(store.unreachable()).isTrue();
    assertThatThrownBy(() -> store.acquire(List.of(rate, quota), NOW)).isInstanceOf(LimiterUnavailableException.class);
    assertThatThrownBy(() -> store.applyCredits("{c}:wallet", "t1", 5)).isInstanceOf(LimiterUnavailableException.class);
    assertThat(store.fallbackDecisions()).isEqualTo(1);
    assertThat(store.outages()).isEqualTo(3);
  }

  /**
   * A primary known to have answered in time ends the rest a timeout began, also when the news comes
   * first: a late reply is often read before the caller's timeout reaches the store.
   */
  @Test
  void aPrimaryThatAnsweredInTimeEndsTheRestWhicheverComesFirst() {
    FailoverLimiterStore store = FailoverLimiterStore.of("the test store", primary, fallback, Duration.ofHours(1));
    primary.up.set(false);
    assertThatThrownBy(() -> store.acquire(List.of(quota), NOW)).isInstanceOf(LimiterUnavailableException.class);
    assertThat(store.unreachable()).isTrue();
    primary.up.set(true);
    store.primaryAnswered(); // after the failure
    assertThat(store.acquire(List.of(quota), NOW).admitted()).isTrue();

    primary.up.set(false);
    store.primaryAnswered(); // before the failure it belies: the race
    assertThatThrownBy(() -> store.acquire(List.of(quota), NOW)).isInstanceOf(LimiterUnavailableException.class);
    primary.up.set(true);
    int calls = primary.calls.get();
    assertThat(store.acquire(List.of(quota), NOW).admitted()).as("asked, not resting").isTrue();
    assertThat(primary.calls.get()).isEqualTo(calls + 1);
    assertThat(store.unreachable()).isFalse();
  }

  @Test
  void thePrimaryIsLeftAloneForTheRetryIntervalThenTriedAgain() {
    FailoverLimiterStore resting = FailoverLimiterStore.of("the test store", primary, fallback, Duration.ofHours(1));
    primary.up.set(false);
    resting.acquire(List.of(rate), NOW);
    int callsWhenDown = primary.calls.get();
    resting.acquire(List.of(rate), NOW);
    assertThatThrownBy(() -> resting.peek(List.of(rate), NOW)).isInstanceOf(LimiterUnavailableException.class);
    assertThat(primary.calls.get()).isEqualTo(callsWhenDown); // not asked again while resting

    FailoverLimiterStore eager = FailoverLimiterStore.of("the test store", primary, fallback, Duration.ZERO);
    eager.acquire(List.of(rate), NOW);
    assertThat(eager.unreachable()).isTrue();
    primary.up.set(true);
    assertThat(eager.acquire(List.of(rate), NOW).admitted()).isTrue();
    assertThat(eager.unreachable()).isFalse();
  }

  @Test
  void aSlotTakenFromTheFallbackIsReleasedThere() {
    FailoverLimiterStore store = FailoverLimiterStore.of("the test store", primary, fallback, Duration.ofHours(1));
    primary.up.set(false);
    LimitVerdict first = store.acquire(List.of(concurrency), NOW);
    assertThat(first.admitted()).isTrue();
    assertThat(store.acquire(List.of(concurrency), NOW).admitted()).isFalse(); // one slot, held
    store.release(List.of(concurrency), first);
    assertThat(store.acquire(List.of(concurrency), NOW).admitted()).isTrue(); // freed in the fallback
  }
}
