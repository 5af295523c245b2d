package dev.monetize.redis;

import dev.monetize.limits.LimiterStore;
import dev.monetize.testkit.LimiterStoreContract;
import dev.monetize.testkit.LocalRedisCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** The limiter contract on a real three-master Redis Cluster, each client a cluster client of its own. */
class RedisClusterLimiterStoreTest extends LimiterStoreContract {
  private final List<RedisLimiterStore> opened = new ArrayList<>();
  private final String prefix = RedisTestSupport.freshPrefix();

  @AfterEach
  void close() {
    opened.forEach(RedisLimiterStore::close);
  }

  @Override
  protected LimiterStore store() {
    RedisLimiterStore s = RedisLimiterStore.builder().endpoint(RedisEndpoint.cluster(LocalRedisCluster.shared().seedNodes()))
        .keyPrefix(prefix).serverTime(false).commandTimeout(Duration.ofSeconds(5)).build();
    opened.add(s);
    return s;
  }

  @Override
  protected LimiterStore secondClientOfSameBackend(LimiterStore first) {
    return store();
  }
}
