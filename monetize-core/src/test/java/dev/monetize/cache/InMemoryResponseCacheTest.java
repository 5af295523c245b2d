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

  /**
   * The bound holds on the heap too, for the smallest answers (where the fixed cost of an entry
   * weighs most): 16 MiB of counted entries take at most a quarter more of the heap (they took twice
   * the bound when an entry's fixed cost was counted as 128 bytes).
   */
  @Test
  void itsBoundHoldsOnTheHeapForTinyAnswers() throws Exception {
    long bound = 16L << 20;
    long before = heapAfterGc();
    CaffeineResponseCache cache = new CaffeineResponseCache(bound);
    String digest = "0123456789abcdef".repeat(4);
    for (int i = 0; i < 400_000; i++) {
      cache.put("{t}:c:" + digest + i, CachedResponse.of("stats.summary", 200, "application/json",
          ("{\"n\":" + i + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8), java.util.List.of(), Instant.now()),
          Duration.ofHours(1));
    }
    cache.weightedSize(); // pending upkeep done
    long held = heapAfterGc() - before;
    assertThat(cache.weightedSize()).isLessThanOrEqualTo(bound);
    assertThat(held).as("heap held by %s bytes of counted entries", bound).isLessThan(bound + bound / 4);
    java.lang.ref.Reference.reachabilityFence(cache); // measured while it is still reachable
  }

  private static long heapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) { // the lowest of three full collections (each returns once done): what stays reachable
      System.gc();
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }
}
