package dev.monetize.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.limits.ConcurrencyPolicy;
import dev.monetize.limits.LimitRequest;
import dev.monetize.limits.LimitVerdict;
import dev.monetize.limits.LimiterStore;
import dev.monetize.limits.QuotaPolicy;
import dev.monetize.limits.RatePolicy;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.QuotaWindow;
import dev.monetize.plans.Rate;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * The Lua script and the in-memory store are two implementations of one specification: driven
 * with the same random calls at the same (injected) times, they give the same decisions, the same
 * remaining counts and the same resets, call after call.
 */
class RedisMatchesInMemoryProperties {
  private static RedisLimiterStore redis;
  private static String prefix;

  @BeforeContainer
  static void connect() {
    RedisTestSupport.requireRedis();
    prefix = RedisTestSupport.freshPrefix();
    redis = RedisLimiterStore.builder().uri(RedisTestSupport.URI).keyPrefix(prefix).serverTime(false)
        .commandTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterContainer
  static void close() {
    if (redis == null) {
      return;
    }
    redis.close();
    RedisClient c = RedisClient.create(RedisTestSupport.URI);
    try (StatefulRedisConnection<String, String> conn = c.connect()) {
      List<String> keys = conn.sync().keys(prefix + "*");
      if (!keys.isEmpty()) {
        conn.sync().del(keys.toArray(String[]::new));
      }
    } finally {
      c.shutdown();
    }
  }

  @Property(tries = 60)
  void sameDecisionsAsTheInMemoryStore(
      @ForAll @IntRange(min = 1, max = 20) int perSecond,
      @ForAll @IntRange(min = 0, max = 5) int burst,
      @ForAll @IntRange(min = 1, max = 15) int quota,
      @ForAll @IntRange(min = 1, max = 3) int concurrency,
      @ForAll @IntRange(min = 1, max = 28) int billingDay,
      @ForAll @Size(min = 1, max = 60) List<@LongRange(min = 0, max = 400_000_000) Long> gaps,
      @ForAll @Size(min = 1, max = 60) List<@IntRange(min = 0, max = 9) Integer> actions) {
    String id = "{p-" + java.util.UUID.randomUUID() + "}:";
    BillingAnchor anchor = BillingAnchor.of(billingDay, ZoneId.of("Europe/Berlin"));
    LimitRequest rate = new LimitRequest(id + "rate", new RatePolicy("rate", Rate.perSecond(perSecond).withBurst(burst)), 1);
    LimitRequest minute = new LimitRequest(id + "minute", new QuotaPolicy("minute", quota, QuotaWindow.MINUTE, anchor), 1);
    LimitRequest month = new LimitRequest(id + "month", new QuotaPolicy("month", quota * 3L, QuotaWindow.MONTH, anchor), 1);
    LimitRequest slots = new LimitRequest(id + "c", new ConcurrencyPolicy("concurrency", concurrency), 1);
    LimiterStore memory = LimiterStore.inMemory();
    Deque<LimitVerdict[]> held = new ArrayDeque<>();
    long now = 1_798_761_590_000_000_000L; // 10 s before a minute (and a day) ends in Berlin
    for (int i = 0; i < gaps.size(); i++) {
      now += gaps.get(i);
      int action = actions.get(i % actions.size());
      if (action == 9 && !held.isEmpty()) {
        LimitVerdict[] v = held.poll();
        memory.release(List.of(slots), v[0]);
        redis.release(List.of(slots), v[1]);
        continue;
      }
      List<LimitRequest> call = switch (action % 3) {
        case 0 -> List.of(rate, minute, month);
        case 1 -> List.of(rate, minute, slots);
        default -> List.of(minute.withCost(2), month);
      };
      LimitVerdict m = memory.acquire(call, now);
      LimitVerdict r = redis.acquire(call, now);
      assertThat(r.admitted()).as("call %d (%s) at +%d", i, action, now).isEqualTo(m.admitted());
      assertThat(r.exceeded()).isEqualTo(m.exceeded());
      assertThat(r.retryAfterNanos()).as("retry after, call %d", i).isEqualTo(m.retryAfterNanos());
      assertThat(r.policies()).as("states, call %d", i).isEqualTo(m.policies());
      if (m.admitted() && call.contains(slots)) {
        held.add(new LimitVerdict[] {m, r});
      }
    }
  }
}
