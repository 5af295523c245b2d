package dev.monetize.docs;

// tag::redis[]
import dev.monetize.Monetize;
import dev.monetize.plans.Catalog;
import dev.monetize.redis.RedisLimiterStore;
import java.time.Duration;
// end::redis[]

/** docs/redis.md: limits shared by every JVM. */
final class RedisSetup {
  private RedisSetup() {}

  static Monetize build(Catalog catalog) {
    // tag::redis[]
    RedisLimiterStore limits = RedisLimiterStore.builder()
        .uri("redis://127.0.0.1:6379/0")          // the path is the database index
        .commandTimeout(Duration.ofMillis(200))    // slower than this counts as an outage
        .build();
    Monetize monetize = Monetize.builder().catalog(catalog).limiterStore(limits).build();
    // end::redis[]
    return monetize;
  }
}
