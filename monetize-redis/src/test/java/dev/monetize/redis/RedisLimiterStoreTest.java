package dev.monetize.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.monetize.limits.ConcurrencyPolicy;
import dev.monetize.limits.CreditPolicy;
import dev.monetize.limits.LimitRequest;
import dev.monetize.limits.LimitVerdict;
import dev.monetize.limits.PolicyState;
import dev.monetize.limits.LimiterStore;
import dev.monetize.limits.QuotaPolicy;
import dev.monetize.testkit.LimiterStoreContract;
import dev.monetize.limits.LimiterUnavailableException;
import dev.monetize.plans.StoreOutage;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The limiter contract on a real Redis, plus what only a shared store has: one round trip, expiry, outages. */
class RedisLimiterStoreTest extends LimiterStoreContract {
  private final List<RedisLimiterStore> opened = new ArrayList<>();
  private String prefix;
  private RedisClient admin;
  private StatefulRedisConnection<String, String> adminConnection;
  private RedisCommands<String, String> redis;

  @BeforeEach
  void connect() {
    RedisTestSupport.requireRedis();
    prefix = RedisTestSupport.freshPrefix();
    admin = RedisClient.create(RedisTestSupport.URI);
    adminConnection = admin.connect();
    redis = adminConnection.sync();
  }

  @AfterEach
  void close() {
    for (RedisLimiterStore s : opened) {
      s.close();
    }
    if (redis != null) {
      RedisTestSupport.deleteKeys(redis, prefix);
      adminConnection.close();
      admin.shutdown();
    }
  }

  private RedisLimiterStore open(RedisLimiterStore.Builder b) {
    RedisLimiterStore s = b.build();
    opened.add(s);
    return s;
  }

  /**
   * JVM time, so the contract's fixed clock drives windows and rates; a generous timeout, so that a
   * slow first call on a busy test machine is not taken for an outage (and decided by the fallback).
   */
  private RedisLimiterStore.Builder jvmTime() {
    return RedisLimiterStore.builder().uri(RedisTestSupport.URI).keyPrefix(prefix).serverTime(false)
        .commandTimeout(Duration.ofSeconds(5));
  }

  @Override
  protected LimiterStore store() {
    return open(jvmTime());
  }

  @Override
  protected LimiterStore secondClientOfSameBackend(LimiterStore first) {
    return open(jvmTime()); // its own Lettuce client and connection, as another JVM would have
  }

  @Test
  void everyAcquireIsExactlyOneScriptCall() {
    RedisLimiterStore store = open(jvmTime());
    List<LimitRequest> limits = List.of(rate(key("rate"), 1000, 1000), quota(key("daily"), 1000),
        quota(key("hourly"), 1000), new LimitRequest(key("concurrency"), new ConcurrencyPolicy("concurrency", 100), 1)); // 3 x 20 held
    store.acquire(limits, NOW); // loads the script if this server has not seen it
    assertThat(callsDuring(() -> {
      for (int i = 0; i < 20; i++) {
        assertThat(store.acquire(limits, NOW).admitted()).isTrue();
      }
    }, "evalsha", "eval")).isEqualTo(List.of(20L, 0L));
  }

  @Test
  void moreCustomersThanTheStoreRemembersLayoutsForEachChargeTheirOwnLimits() {
    // 5,000 lists share the store's 4,096 slots of recent layouts: slots are taken over by other
    // customers' lists, and a layout is only ever used for the very limits it was built from
    RedisLimiterStore store = open(jvmTime());
    int customers = 5_000;
    List<List<LimitRequest>> lists = new ArrayList<>(customers);
    for (int i = 0; i < customers; i++) {
      lists.add(List.of(quota(key("{c" + i + "}:daily"), 3 + i % 7)));
    }
    for (int round = 1; round <= 2; round++) {
      for (int i = 0; i < customers; i++) {
        LimitVerdict v = store.acquire(lists.get(i), NOW);
        assertThat(v.admitted()).isTrue();
        assertThat(v.policies().get(0).remaining()).as("customer %d, round %d", i, round).isEqualTo(3 + i % 7 - round);
      }
    }
  }

  @Test
  void theSameListCountsInTheWindowOfEachCallsTime() {
    // one list, as the engine sends it for every request of a customer: its quota's windows are
    // kept with it, and must follow the clock (three days on, none of the first call's windows holds)
    RedisLimiterStore store = open(jvmTime());
    List<LimitRequest> limits = List.of(quota(key("{w}:daily"), 1));
    assertThat(store.acquire(limits, NOW).admitted()).isTrue();
    assertThat(store.acquire(limits, NOW).admitted()).isFalse();
    long threeDaysOn = NOW + 3 * 86_400_000_000_000L;
    assertThat(store.acquire(limits, threeDaysOn).admitted()).as("a new day's quota").isTrue();
    assertThat(store.acquire(limits, threeDaysOn).admitted()).isFalse();
    assertThat(store.acquire(limits, threeDaysOn + 86_400_000_000_000L).admitted()).as("and the next day's").isTrue();
  }

  @Test
  void aCustomersOwnLimitsAreOneHashReadOnceAndWrittenOnce() {
    RedisLimiterStore store = open(jvmTime());
    String tag = "{c-" + java.util.UUID.randomUUID() + "}:";
    List<LimitRequest> limits = List.of(rate(tag + "rate", 1000, 1000), quota(tag + "daily", 1000),
        quota(tag + "hourly", 1000));
    store.acquire(limits, NOW);
    int[] charged = {1};
    assertThat(callsDuring(() -> {
      for (int i = 0; i < 10; i++) {
        assertThat(store.acquire(limits, NOW).admitted()).isTrue();
        charged[0]++;
      }
    }, "hmget", "hset")).isEqualTo(List.of(10L, 10L));
    String hash = prefix + tag.substring(0, tag.length() - 1) + "#limits";
    assertThat(redis.keys(prefix + tag.substring(0, tag.length() - 1) + "*")).containsExactly(hash);
    assertThat(redis.hkeys(hash)).containsExactlyInAnyOrder("rate", "rate:2", "daily", "daily:2", "hourly", "hourly:2",
        "#exp");
    assertThat(redis.hget(hash, "daily")).isEqualTo(Integer.toString(charged[0]));
    // a rate alone never shortens the life the quotas need
    long life = redis.pttl(hash);
    store.acquire(List.of(rate(tag + "rate", 1000, 1000)), NOW);
    assertThat(redis.pttl(hash)).isGreaterThan(life - 60_000);
  }

  @Test
  void aLimitNamedLikeTheHashsOwnFieldHasAHashOfItsOwn() {
    RedisLimiterStore store = open(jvmTime());
    String tag = "{c-" + java.util.UUID.randomUUID() + "}";
    List<LimitRequest> limits = List.of(rate(tag + ":rate", 1000, 1000), quota(tag + ":daily", 100),
        quota(tag + ":#exp", 3)); // the daily quota keeps the customer's hash alive for the checks below
    for (int i = 0; i < 3; i++) {
      assertThat(store.acquire(limits, NOW).admitted()).isTrue();
    }
    assertThat(store.acquire(limits, NOW).admitted()).as("the quota named #exp counts on its own").isFalse();
    String hash = prefix + tag + "#limits";
    assertThat(redis.keys(prefix + tag + "*")).containsExactlyInAnyOrder(hash, prefix + tag + ":#exp#limits");
    assertThat(redis.hkeys(hash)).containsExactlyInAnyOrder("rate", "rate:2", "daily", "daily:2", "#exp");
    assertThat(Long.parseLong(redis.hget(hash, "#exp"))).as("the customer's hash keeps its expiry")
        .isGreaterThan(System.currentTimeMillis());
    assertThat(redis.hget(prefix + tag + ":#exp#limits", "v")).isEqualTo("3");
  }

  /**
   * Two JVMs on their own clocks, the one behind still in an earlier minute when the one ahead has
   * started counting a later one: the one behind counts in the later window and never resets it.
   */
  private void aLaggingCallerNeverResetsTheCount(long aheadAt, long behindAt) {
    RedisLimiterStore ahead = open(jvmTime());
    RedisLimiterStore behind = open(jvmTime());
    LimitRequest perMinute = new LimitRequest("{lag-" + java.util.UUID.randomUUID() + "}:minute",
        new QuotaPolicy("minute", 3, dev.monetize.plans.QuotaWindow.MINUTE, dev.monetize.plans.BillingAnchor.DEFAULT), 1);
    assertThat(ahead.acquire(List.of(perMinute), aheadAt).policies().get(0).remaining()).isEqualTo(2);
    assertThat(behind.acquire(List.of(perMinute), behindAt).policies().get(0).remaining()).isEqualTo(1);
    assertThat(ahead.acquire(List.of(perMinute), aheadAt + 1_000_000).policies().get(0).remaining()).isZero();
    assertThat(ahead.acquire(List.of(perMinute), aheadAt + 2_000_000).admitted()).isFalse();
    assertThat(behind.acquire(List.of(perMinute), behindAt + 500_000).admitted()).isFalse();
  }

  private static long nextMinute() {
    return NOW - Math.floorMod(NOW, 60_000_000_000L) + 60_000_000_000L;
  }

  @Test
  void aCallerWhoseClockLagsCountsInTheNewerWindowAndNeverResetsIt() {
    aLaggingCallerNeverResetsTheCount(nextMinute() + 1_000_000, nextMinute() - 1_000_000); // 2 ms behind
  }

  @Test
  void aCallerWhoseClockLagsByMoreThanAWindowStillNeverResetsTheCount() {
    // 61 s behind: none of the windows it knows is the one counted
    aLaggingCallerNeverResetsTheCount(nextMinute() + 60_000_000_000L, nextMinute() - 1_000_000);
  }

  @Test
  void aCallerAheadOfTheServerCountsInTheWindowAlreadyCountedAndReportsItsEnd() {
    RedisLimiterStore serverTime = open(RedisLimiterStore.builder().uri(RedisTestSupport.URI).keyPrefix(prefix)
        .commandTimeout(Duration.ofSeconds(5)));
    RedisLimiterStore jvm = open(jvmTime());
    LimitRequest perMinute = new LimitRequest("{ahead-" + java.util.UUID.randomUUID() + "}:minute",
        new QuotaPolicy("minute", 5, dev.monetize.plans.QuotaWindow.MINUTE, dev.monetize.plans.BillingAnchor.DEFAULT), 1);
    long server = System.currentTimeMillis() * 1_000_000L; // the server's clock: the same machine's
    long next = server - Math.floorMod(server, 60_000_000_000L) + 60_000_000_000L;
    // a caller already in the next minute has counted there
    assertThat(jvm.acquire(List.of(perMinute), next + 1_000_000_000L).policies().get(0).remaining()).isEqualTo(4);
    // one whose clock runs a minute ahead of the server: the server's time is in the window before the
    // one its clock is in, and that one is counted: it counts there, and reports that window's end
    PolicyState s = serverTime.acquire(List.of(perMinute), server + 60_000_000_000L).policies().get(0);
    assertThat(s.remaining()).isEqualTo(3);
    assertThat(s.resetSeconds()).as("the end of the window counted, not of the one after it").isBetween(1L, 120L);
  }

  @Test
  void aListChangedInPlaceIsSentAsItNowIs() {
    RedisLimiterStore store = open(jvmTime());
    List<LimitRequest> limits = new ArrayList<>(List.of(quota(key("daily"), 1)));
    assertThat(store.acquire(limits, NOW).admitted()).isTrue();
    assertThat(store.acquire(limits, NOW).admitted()).isFalse();
    limits.set(0, quota(key("daily"), 1)); // the same list object, another limit
    assertThat(store.acquire(limits, NOW).admitted()).isTrue();
  }



  /**
   * How many times the server ran each of {@code commands} while {@code work} ran: the fewest of
   * three runs. The counts are the server's, whoever calls it, so another client of the same Redis
   * can only add to a run; a run it left alone shows what the work costs, and a change that costs
   * more (or less) shows in every run.
   */
  private List<Long> callsDuring(Runnable work, String... commands) {
    long[] fewest = new long[commands.length];
    java.util.Arrays.fill(fewest, Long.MAX_VALUE);
    for (int attempt = 0; attempt < 3; attempt++) {
      long[] before = new long[commands.length];
      for (int i = 0; i < commands.length; i++) {
        before[i] = commandCalls(commands[i]);
      }
      work.run();
      for (int i = 0; i < commands.length; i++) {
        fewest[i] = Math.min(fewest[i], commandCalls(commands[i]) - before[i]);
      }
    }
    return java.util.Arrays.stream(fewest).boxed().toList();
  }

  private long commandCalls(String command) {
    String info = redis.info("commandstats");
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("cmdstat_" + command + ":")) {
        for (String field : line.substring(line.indexOf(':') + 1).split(",")) {
          if (field.startsWith("calls=")) {
            return Long.parseLong(field.substring(6));
          }
        }
      }
    }
    return 0;
  }

  @Test
  void aFlushedScriptCacheIsReloadedTransparently() {
    RedisLimiterStore store = open(jvmTime());
    LimitRequest q = quota(key("daily"), 5);
    assertThat(store.acquire(List.of(q), NOW).admitted()).isTrue();
    redis.scriptFlush();
    assertThat(store.acquire(List.of(q), NOW).policies().get(0).remaining()).isEqualTo(3);
    assertThat(store.acquire(List.of(q), NOW).policies().get(0).remaining()).isEqualTo(2);
  }

  @Test
  void everyKeyExpiresExceptCreditBalancesAndTheirEntries() {
    RedisLimiterStore store = open(jvmTime());
    String wallet = key("credits");
    store.applyCredits(wallet, "first", 10_000);
    LimitVerdict v = store.acquire(List.of(rate(key("rate"), 10, 5), quota(key("daily"), 100),
        new LimitRequest(key("concurrency"), new ConcurrencyPolicy("concurrency", 5), 1),
        new LimitRequest(wallet, new CreditPolicy("credits"), 100)), NOW);
    assertThat(v.admitted()).isTrue();
    List<String> keys = redis.keys(prefix + "*");
    assertThat(keys).hasSize(5).contains(prefix + wallet + "#entries");
    for (String k : keys) {
      long ttl = redis.pttl(k);
      if (k.contains(":credits")) {
        assertThat(ttl).as(k).isEqualTo(-1);
      } else {
        assertThat(ttl).as(k).isPositive();
      }
    }
    assertThat(redis.get(prefix + wallet)).isEqualTo("9900");
  }

  @Test
  void serverTimeMakesTheJvmClockIrrelevant() {
    RedisLimiterStore store = open(RedisLimiterStore.builder().uri(RedisTestSupport.URI).keyPrefix(prefix)
        .commandTimeout(Duration.ofSeconds(5)));
    LimitRequest r = rate(key("rate"), 1, 0);
    // two JVMs whose clocks disagree by ten hours still share one rate
    assertThat(store.acquire(List.of(r), 0).admitted()).isTrue();
    assertThat(store.acquire(List.of(r), 36_000_000_000_000L).admitted()).isFalse();
    // and a quota's window is the one containing the server's time
    long now = System.currentTimeMillis() * 1_000_000L;
    LimitRequest q = quota(key("daily"), 2);
    assertThat(store.acquire(List.of(q), now).admitted()).isTrue();
    assertThat(store.acquire(List.of(q), now).admitted()).isTrue();
    assertThat(store.acquire(List.of(q), now).admitted()).isFalse();
    // a JVM clock so wrong that no window it proposes contains the server's time still gets answers
    LimitVerdict wild = store.acquire(List.of(quota(key("daily"), 2)), 0);
    assertThat(wild.admitted()).isTrue();
    assertThat(wild.policies().get(0).resetSeconds()).isNotNegative();
  }

  @Test
  void outageFailsClosedOrFallsBackAndRecovers() {
    // warm up (script cached on the server, client code compiled) so the short timeout below only
    // fires when Redis is paused
    open(jvmTime()).acquire(List.of(quota(key("warm"), 10), rate(key("warm"), 10, 10)), NOW);
    RedisLimiterStore store = open(jvmTime().commandTimeout(Duration.ofMillis(100)).retryInterval(Duration.ZERO));
    LimitRequest paid = quota(key("daily"), 1000); // quotas fail closed by default
    LimitRequest abuse = rate(key("rate"), 1000, 1000); // rates fail open by default
    assertThat(store.acquire(List.of(abuse, paid), NOW).admitted()).isTrue();

    redis.clientPause(1_500); // nobody's commands run for 1.5 s: our 100 ms timeout fires
    assertThatThrownBy(() -> store.acquire(List.of(abuse, paid), NOW))
        .isInstanceOf(LimiterUnavailableException.class)
        .hasMessageNotContaining(prefix);
    LimitVerdict local = store.acquire(List.of(abuse), NOW);
    assertThat(local.admitted()).isTrue();
    assertThat(store.counters().fallbackDecisions()).isEqualTo(1);
    assertThat(store.outages()).isEqualTo(2);
    assertThat(store.unreachable()).isTrue();
    assertThatThrownBy(() -> store.acquire(List.of(paid.onOutage(StoreOutage.FAIL_CLOSED), abuse), NOW))
        .isInstanceOf(LimiterUnavailableException.class);

    // recovery needs nothing: once Redis answers, decisions are shared again
    LimitVerdict back = org.awaitility.Awaitility.await("Redis back").atMost(java.time.Duration.ofSeconds(10))
        .pollInterval(java.time.Duration.ofMillis(50)).ignoreException(LimiterUnavailableException.class)
        .until(() -> store.acquire(List.of(abuse, paid), NOW), java.util.Objects::nonNull);
    assertThat(back.admitted()).isTrue();
    assertThat(back.policies().get(1).remaining()).as("the paid quota counted in Redis throughout").isEqualTo(998);
    assertThat(store.unreachable()).isFalse();
  }

  @Test
  void aWrongServerFailsAtBuildWithAMessageNamingIt() {
    assertThatThrownBy(() -> RedisLimiterStore.builder().uri("redis://127.0.0.1:1/0").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("127.0.0.1:1").hasMessageContaining("the Redis URI given to")
        .hasMessageNotContaining("MONETIZE_");
  }

  @Test
  void theDatabaseIndexOfTheUriIsHonoured() {
    RedisLimiterStore store = open(RedisLimiterStore.builder().uri("redis://127.0.0.1:6379/5").keyPrefix(prefix)
        .serverTime(false));
    String wallet = key("credits");
    store.applyCredits(wallet, "first", 42);
    assertThat(redis.get(prefix + wallet)).isNull();
    try (StatefulRedisConnection<String, String> db5 = admin.connect(io.lettuce.core.RedisURI.create("redis://127.0.0.1:6379/5"))) {
      assertThat(db5.sync().get(prefix + wallet)).isEqualTo("42");
      db5.sync().del(prefix + wallet);
    }
  }

  @Test
  void concurrencyLeasesAreReleasedInRedis() {
    RedisLimiterStore store = open(jvmTime());
    LimitRequest c = new LimitRequest(key("concurrency"), new ConcurrencyPolicy("concurrency", 1), 1);
    LimitVerdict held = store.acquire(List.of(c), NOW);
    assertThat(held.lease()).isPresent();
    assertThat(redis.zcard(prefix + c.key())).isEqualTo(1);
    store.release(List.of(c), held);
    assertThat(redis.zcard(prefix + c.key())).isZero();
    Map<String, String> none = Map.of();
    assertThat(none).isEmpty();
  }
}
