package dev.monetize.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.monetize.cache.CachedResponse;
import dev.monetize.limits.ConcurrencyPolicy;
import dev.monetize.limits.LimitRequest;
import dev.monetize.limits.LimitVerdict;
import dev.monetize.limits.LimiterUnavailableException;
import dev.monetize.limits.QuotaPolicy;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.QuotaWindow;
import dev.monetize.plans.StoreOutage;
import dev.monetize.shield.Ban;
import dev.monetize.testkit.Concurrently;
import dev.monetize.testkit.LocalRedisCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What only a cluster has: customers spread over every master with each customer's keys in one
 * slot, two instances admitting one quota exactly, and a slot moved to another master while the
 * load runs, without one over-admission or one lost charge.
 */
class RedisClusterTest {
  private static LocalRedisCluster cluster;
  private final List<AutoCloseable> opened = new ArrayList<>();
  private final String prefix = RedisTestSupport.freshPrefix();

  @BeforeAll
  static void start() {
    cluster = LocalRedisCluster.shared();
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : opened) {
      c.close();
    }
  }

  private RedisLimiterStore store() {
    RedisLimiterStore s = RedisLimiterStore.builder().endpoint(RedisEndpoint.cluster(cluster.seedNodes()))
        .keyPrefix(prefix).commandTimeout(Duration.ofSeconds(5)).build();
    opened.add(s);
    return s;
  }

  private static LimitRequest daily(String customer, long limit) {
    return new LimitRequest("{" + customer + "}:daily", new QuotaPolicy("daily", limit, QuotaWindow.DAY,
        BillingAnchor.DEFAULT), 1).onOutage(StoreOutage.FAIL_CLOSED);
  }

  private static LimitRequest concurrency(String customer, int limit) {
    return new LimitRequest("{" + customer + "}:concurrency", new ConcurrencyPolicy("concurrency", limit), 1)
        .onOutage(StoreOutage.FAIL_CLOSED);
  }

  @Test
  void customersSpreadOverEveryMasterEachInOneSlot() {
    RedisLimiterStore store = store();
    long[] before = cluster.ports().stream().mapToLong(cluster::keysOn).toArray();
    List<String> customers = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      String c = "spread-" + UUID.randomUUID();
      customers.add(c);
      LimitVerdict v = store.acquire(List.of(daily(c, 10), concurrency(c, 5)), System.currentTimeMillis() * 1_000_000L);
      assertThat(v.admitted()).isTrue();
      store.release(List.of(daily(c, 10), concurrency(c, 5)), v);
      store.applyCredits("{" + c + "}:wallet", "grant", 100);
    }
    for (int i = 0; i < cluster.ports().size(); i++) {
      assertThat(cluster.keysOn(cluster.ports().get(i))).as("keys on master %s", cluster.ports().get(i))
          .isGreaterThan(before[i]);
    }
    for (String c : customers) {
      Set<Integer> owners = new HashSet<>();
      for (int port : cluster.ports()) {
        String found = cluster.cli(port, "--scan", "--pattern", prefix + "{" + c + "}*");
        if (!found.isEmpty()) {
          owners.add(port);
          // the hash of limits, the wallet and its entries (the lease set is gone once released)
          assertThat(found.split("\n")).hasSize(3);
        }
      }
      assertThat(owners).as("masters holding %s's keys", c).hasSize(1);
    }
  }

  @Test
  void twoInstancesOfSixteenThreadsAdmitOneQuotaExactly() throws Exception {
    RedisLimiterStore first = store();
    RedisLimiterStore second = store();
    String customer = "exact-" + UUID.randomUUID();
    int quota = 1_000;
    int admitted = Concurrently.call(32, t -> {
      RedisLimiterStore s = t < 16 ? first : second;
      int mine = 0;
      for (int i = 0; i < 50; i++) {
        if (s.acquire(List.of(daily(customer, quota)), System.currentTimeMillis() * 1_000_000L).admitted()) {
          mine++;
        }
      }
      return mine;
    }).stream().mapToInt(Integer::intValue).sum();
    assertThat(admitted).isEqualTo(quota);
    assertThat(first.outages() + second.outages()).isZero();
  }

  @Test
  void aSlotMovedDuringLoadNeitherOverAdmitsNorLosesACharge() throws Exception {
    RedisLimiterStore first = store();
    RedisLimiterStore second = store();
    String customer = "moving-" + UUID.randomUUID();
    int slot = cluster.slotOf("{" + customer + "}");
    int from = cluster.ownerOf(slot);
    int to = cluster.ports().stream().filter(p -> p != from).findFirst().orElseThrow();
    int quota = 20_000;
    // a quota and a concurrency slot: two keys, so a call can find them split across the two masters
    List<LimitRequest> limits = List.of(daily(customer, quota), concurrency(customer, 64));
    AtomicInteger admitted = new AtomicInteger();
    AtomicLong unavailable = new AtomicLong();
    AtomicInteger admittedWhenMoved = new AtomicInteger(-1);
    CompletableFuture<Void> move = new CompletableFuture<>();
    Thread mover = new Thread(() -> {
      try {
        while (admitted.get() < quota / 5) {
          Thread.onSpinWait();
        }
        cluster.migrateSlot(slot, to, Duration.ofMillis(300));
        admittedWhenMoved.set(admitted.get());
        move.complete(null);
      } catch (RuntimeException | Error e) {
        move.completeExceptionally(e);
      }
    }, "slot-mover");
    mover.start();
    Concurrently.call(32, t -> {
      RedisLimiterStore s = t < 16 ? first : second;
      while (true) {
        if (admitted.get() >= quota / 2) {
          move.handle((done, failed) -> null).join(); // half the quota is left for after the move, however long it takes
        }
        LimitVerdict v;
        try {
          v = s.acquire(limits, System.currentTimeMillis() * 1_000_000L);
        } catch (LimiterUnavailableException e) {
          unavailable.incrementAndGet(); // fail-closed: refused, never admitted
          continue;
        }
        if (!v.admitted()) {
          if (v.policies().get(0).violated()) {
            return null; // the quota is spent
          }
          continue; // all 64 concurrency slots busy for a moment
        }
        admitted.incrementAndGet();
        s.release(limits, v);
      }
    });
    move.get();
    assertThat(cluster.ownerOf(slot)).isEqualTo(to);
    assertThat(admittedWhenMoved.get()).as("the move finished while calls were still admitted").isLessThan(quota);
    assertThat(admitted.get()).isEqualTo(quota);
    // the move is invisible to callers: redirections followed, split keys retried, no outage
    assertThat(unavailable.get()).isZero();
    // the charge recorded in Redis is exactly what was admitted: none lost, none extra
    String count = cluster.cli(to, "HGET", prefix + "{" + customer + "}#limits", "daily");
    assertThat(count).isEqualTo(Integer.toString(quota));
    assertThat(cluster.cli(to, "ZCARD", prefix + "{" + customer + "}:concurrency")).isEqualTo("0");
  }

  @Test
  void aHotCustomerWithLeasingCostsFewerScriptCallsAndStaysWithinTheBound() throws Exception {
    RedisLimiterStore firstRedis = store();
    RedisLimiterStore secondRedis = store();
    Duration maxAge = Duration.ofMillis(50);
    dev.monetize.limits.RateLeasing first = dev.monetize.limits.RateLeasing.over(firstRedis).maxAge(maxAge).build();
    dev.monetize.limits.RateLeasing second = dev.monetize.limits.RateLeasing.over(secondRedis).maxAge(maxAge).build();
    // within its rate: most calls are served from leases
    List<LimitRequest> generous = rate("hot-" + UUID.randomUUID(), 10_000_000, 100_000);
    int admitted = hammer(first, second, generous);
    assertThat(admitted).isEqualTo(16 * 400);
    assertThat(firstRedis.scriptCalls() + secondRedis.scriptCalls()).isLessThan(16 * 400 / 4);
    // over its rate: never more than the exact bound over the run plus one lease age
    long perSecond = 5_000;
    long burst = 100;
    long started = System.nanoTime();
    admitted = hammer(first, second, rate("hot-" + UUID.randomUUID(), perSecond, burst));
    long elapsed = System.nanoTime() - started;
    long bound = burst + 1 + (elapsed + maxAge.toNanos()) * perSecond / 1_000_000_000L;
    assertThat((long) admitted).isPositive().isLessThanOrEqualTo(bound);
  }

  private static List<LimitRequest> rate(String customer, long perSecond, long burst) {
    return List.of(new LimitRequest("{" + customer + "}:rate",
        new dev.monetize.limits.RatePolicy("rate", dev.monetize.plans.Rate.perSecond(perSecond).withBurst(burst)), 1));
  }

  /** 2 instances x 8 threads x 400 calls; how many were admitted. */
  private static int hammer(dev.monetize.limits.RateLeasing first, dev.monetize.limits.RateLeasing second,
      List<LimitRequest> limits) throws InterruptedException {
    return Concurrently.call(16, t -> {
      dev.monetize.limits.RateLeasing s = t < 8 ? first : second;
      int mine = 0;
      for (int i = 0; i < 400; i++) {
        if (s.acquire(limits, System.currentTimeMillis() * 1_000_000L).admitted()) {
          mine++;
        }
      }
      return mine;
    }).stream().mapToInt(Integer::intValue).sum();
  }

  @Test
  void theCacheAndTheShieldWorkOnTheCluster() {
    RedisResponseCache cache = RedisResponseCache.connect(RedisEndpoint.cluster(cluster.seedNodes()), prefix);
    opened.add(cache);
    Set<Integer> owners = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      String key = "{tenant-" + i + "}:c:" + UUID.randomUUID();
      cache.put(key, CachedResponse.of("op", 200, "text/plain", new byte[] {1, 2}, Instant.EPOCH), Duration.ofMinutes(1));
      assertThat(cache.get(key)).isPresent();
      owners.add(cluster.ownerOf(cluster.slotOf(prefix + key)));
    }
    assertThat(owners).hasSize(3);
    cache.invalidate("{tenant-1}:tag");
    assertThat(cache.generation("{tenant-1}:tag")).isEqualTo(1);
    // a tenant's and everyone's generation sit in different slots: one MGET per slot, one answer
    cache.invalidate("{*}:tag");
    cache.invalidate("{*}:tag");
    assertThat(cache.generations(List.of("{tenant-1}:tag", "{*}:tag", "{tenant-2}:tag"))).containsExactly(1, 2, 0);

    RedisShieldStore shield = RedisShieldStore.connect(RedisEndpoint.cluster(cluster.seedNodes()), prefix);
    opened.add(shield);
    Instant now = Instant.now();
    shield.ban(new Ban("198.51.100.7", now.plusSeconds(60), 1, now));
    assertThat(shield.ban("198.51.100.7")).isPresent();
  }

  @Test
  void badSeedNodesAreRefusedWithTheExpectedForm() {
    assertThatThrownBy(() -> RedisEndpoint.cluster("127.0.0.1")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected host:port");
    assertThatThrownBy(() -> RedisEndpoint.cluster(" , ")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no Redis Cluster node");
    assertThatThrownBy(() -> RedisEndpoint.cluster("127.0.0.1:70000")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RedisLimiterStore.builder().endpoint(RedisEndpoint.cluster("127.0.0.1:1")).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("127.0.0.1:1");
  }
}
