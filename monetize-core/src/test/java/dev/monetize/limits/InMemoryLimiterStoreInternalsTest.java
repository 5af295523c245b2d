package dev.monetize.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What only the in-memory store has: sweeping idle state and repeated keys in one call. The SPI
 * contract runs on it in {@code monetize-testkit} ({@code InMemoryLimiterStoreTest} there).
 */
class InMemoryLimiterStoreInternalsTest {
  private static final long NOW = java.time.Instant.parse("2026-01-15T12:00:00Z").getEpochSecond() * 1_000_000_000L;

  private static String key(String name) {
    return "{t}:" + name + ":" + java.util.UUID.randomUUID();
  }

  private static LimitRequest quota(String key, long limit) {
    return new LimitRequest(key, new QuotaPolicy("daily", limit, dev.monetize.plans.QuotaWindow.DAY,
        dev.monetize.plans.BillingAnchor.DEFAULT), 1);
  }

  private static LimitRequest rate(String key, long perSecond, long burst) {
    return new LimitRequest(key, new RatePolicy("rate", dev.monetize.plans.Rate.perSecond(perSecond).withBurst(burst)), 1);
  }

  @Test
  void idleStateIsSweptWithoutChangingDecisions() {
    InMemoryLimiterStore store = new InMemoryLimiterStore();
    LimitRequest q = quota(key("daily"), 2);
    LimitRequest r = rate(key("rate"), 10, 0);
    store.acquire(List.of(r, q), NOW);
    assertThat(store.size()).isEqualTo(2);
    // an hour later the rate state is irrelevant, the daily count is not
    long later = NOW + 3_600_000_000_000L;
    store.sweepNow(later);
    assertThat(store.size()).isEqualTo(1);
    assertThat(store.rawValue(q.key())).isEqualTo(1);
    assertThat(store.acquire(List.of(r, q), later).admitted()).isTrue();
    assertThat(store.acquire(List.of(r, q), later + 200_000_000L).admitted()).isFalse(); // quota used up
    // after the day ends everything is forgotten
    store.sweepNow(NOW + 86_400_000_000_000L);
    assertThat(store.size()).isZero();
  }

  @Test
  void sameKeyTwiceInOneCallIsChargedTwiceOrNotAtAll() {
    InMemoryLimiterStore store = new InMemoryLimiterStore();
    LimitRequest q = quota(key("daily"), 3);
    assertThat(store.acquire(List.of(q, q), NOW).admitted()).isTrue();
    assertThat(store.rawValue(q.key())).isEqualTo(2);
    assertThat(store.acquire(List.of(q, q), NOW).admitted()).isFalse();
    assertThat(store.rawValue(q.key())).isEqualTo(2);
  }
}
