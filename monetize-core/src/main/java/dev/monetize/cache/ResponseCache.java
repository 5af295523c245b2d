package dev.monetize.cache;

import java.time.Duration;
import java.util.Optional;

/**
 * SPI: where cached answers live. Keys come from {@link CacheKey} and already hold the tenant and
 * the generations of the entry's tags, so a store never interprets them; invalidating a tag moves
 * its generation on, and the entries stored under the old one are never found again (they expire
 * with their time to live). That makes invalidation one counter increment, effective at once on
 * every node that shares the store.
 *
 * <p>Implementations are thread-safe, bounded, and forget entries after their time to live.
 *
 * <pre>{@code
 * ResponseCache cache = ResponseCache.inMemory(64L << 20); // 64 MiB of bodies
 * }</pre>
 */
public interface ResponseCache {
  /** The entry under {@code key}, unless missing or expired. */
  Optional<CachedResponse> get(String key);

  /** Stores {@code response} under {@code key} for {@code ttl} (at least one second). */
  void put(String key, CachedResponse response, Duration ttl);

  /** The current generation of {@code tag} (0 until it is first invalidated). */
  long generation(String tag);

  /**
   * The current generations of {@code tags}, in their order: what {@link #generation} answers for
   * each, read together. A shared store answers them in one round trip (the engine reads the
   * tenant's and everyone's generation of a tag for every cached request); the default asks one by
   * one.
   */
  default long[] generations(java.util.List<String> tags) {
    long[] out = new long[tags.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = generation(tags.get(i));
    }
    return out;
  }

  /** Moves {@code tag}'s generation on: entries stored under the old one are never found again. */
  void invalidate(String tag);

  /**
   * Registers {@code listener} to hear of each entry dropped to make room before it expired. A store
   * that cannot tell (Redis evicts on its own) keeps the default, which never calls it.
   */
  default void onEviction(java.util.function.Consumer<CachedResponse> listener) {
  }

  /** In this JVM, on Caffeine, bounded by the bytes of the bodies it holds. */
  static ResponseCache inMemory(long maxBytes) {
    return new dev.monetize.cache.internal.CaffeineResponseCache(maxBytes);
  }
}
