package dev.monetize.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.cache.internal.CaffeineResponseCache;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The in-memory cache: bounded by bytes. (The contract runs in the test kit's module.) */
class InMemoryResponseCacheTest {
  @Test
  void itHoldsNoMoreBytesThanItsBound() {
    CaffeineResponseCache cache = new CaffeineResponseCache(64 * 1024);
    for (int i = 0; i < 200; i++) {
      cache.put("{t}:c:" + i, CachedResponse.of("op", 200, "text/plain", new byte[1_000], Instant.EPOCH), Duration.ofMinutes(1));
    }
    assertThat(cache.weightedSize()).isLessThanOrEqualTo(64 * 1024);
  }
}
