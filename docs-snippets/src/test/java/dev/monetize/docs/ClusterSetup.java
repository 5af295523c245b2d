package dev.monetize.docs;

import static org.assertj.core.api.Assertions.assertThat;

// tag::cluster[]
import dev.monetize.redis.RedisEndpoint;
import dev.monetize.redis.RedisLimiterStore;
import dev.monetize.redis.RedisResponseCache;
import dev.monetize.redis.RedisShieldStore;
// end::cluster[]
// tag::leasing[]
import dev.monetize.limits.LimiterStore;
import dev.monetize.limits.RateLeasing;
import java.time.Duration;
// end::leasing[]
// tag::local-cluster[]
import dev.monetize.testkit.LocalRedisCluster;
// end::local-cluster[]
// tag::relay[]
import dev.monetize.testkit.TcpRelay;
// end::relay[]

/**
 * docs/redis.md and docs/testkit.md: a Redis Cluster, leasing for hot customers, a cluster in tests,
 * a network that fails in tests.
 */
final class ClusterSetup {
  private ClusterSetup() {}

  static LimiterStore build(String seedNodes) {
    // tag::cluster[]
    RedisEndpoint cluster = RedisEndpoint.cluster("127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002");
    RedisLimiterStore limits = RedisLimiterStore.builder().endpoint(cluster).build();
    RedisResponseCache cache = RedisResponseCache.connect(cluster, "monetize:");
    RedisShieldStore shield = RedisShieldStore.connect(cluster, "monetize:");
    // end::cluster[]
    cache.close();
    shield.close();
    limits.close();
    // tag::leasing[]
    LimiterStore leasing = RateLeasing.over(RedisLimiterStore.builder().endpoint(cluster).build())
        .maxBatch(64)                      // at most 64 calls per lease
        .maxAge(Duration.ofMillis(50))     // a lease is spent within 50 ms or dropped
        .build();
    // end::leasing[]
    return leasing;
  }

  static void holdRepliesBack() throws java.io.IOException {
    // tag::relay[]
    try (TcpRelay relay = new TcpRelay(6379)) {
      RedisLimiterStore store = RedisLimiterStore.builder().uri("redis://127.0.0.1:" + relay.port() + "/0").build();
      relay.delayReplies(3_000); // every reply from now on comes 3 s after the server sent it
      store.close();
    }
    // end::relay[]
  }

  static void moveASlot() {
    // tag::local-cluster[]
    LocalRedisCluster cluster = LocalRedisCluster.shared();
    RedisLimiterStore store = RedisLimiterStore.builder()
        .endpoint(RedisEndpoint.cluster(cluster.seedNodes())).build();
    int slot = cluster.slotOf("{acme}");
    cluster.migrateSlot(slot, cluster.ports().get(2), Duration.ofMillis(300)); // while your load runs
    assertThat(cluster.ownerOf(slot)).isEqualTo(cluster.ports().get(2));
    // end::local-cluster[]
    store.close();
  }
}
