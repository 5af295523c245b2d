package dev.monetize.cache.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.monetize.cache.CachedResponse;
import dev.monetize.cache.ResponseCache;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-memory {@link ResponseCache}: Caffeine bounded by the bytes of the bodies (and keys) it
 * holds, each entry expiring after its own time to live; tag generations in a map (one counter per
 * tenant and tag, never forgotten, so an invalidated entry can never become current again).
 */
public final class CaffeineResponseCache implements ResponseCache {
  /** What an entry costs beyond its body and key: the record, the map node. */
  private static final int OVERHEAD = 128;

  private record Entry(CachedResponse response, long ttlNanos) {}

  private final Cache<String, Entry> entries;
  private final ConcurrentHashMap<String, AtomicLong> generations = new ConcurrentHashMap<>();

  /** A cache of at most {@code maxBytes} of bodies and keys. */
  public CaffeineResponseCache(long maxBytes) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("a response cache holds at least 1 byte, got " + maxBytes);
    }
    this.entries = Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .weigher((String k, Entry e) -> (int) Math.min(Integer.MAX_VALUE, (long) e.response().length() + k.length()
            + OVERHEAD))
        .expireAfter(new Expiry<String, Entry>() {
          @Override
          public long expireAfterCreate(String key, Entry e, long now) {
            return e.ttlNanos();
          }

          @Override
          public long expireAfterUpdate(String key, Entry e, long now, long current) {
            return e.ttlNanos();
          }

          @Override
          public long expireAfterRead(String key, Entry e, long now, long current) {
            return current;
          }
        })
        .build();
  }

  @Override
  public Optional<CachedResponse> get(String key) {
    Entry e = entries.getIfPresent(key);
    return e == null ? Optional.empty() : Optional.of(e.response());
  }

  @Override
  public void put(String key, CachedResponse response, Duration ttl) {
    if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("a time to live is at least 1 s, got " + ttl);
    }
    entries.put(key, new Entry(response, ttl.toNanos()));
  }

  @Override
  public long generation(String tag) {
    AtomicLong g = generations.get(tag);
    return g == null ? 0 : g.get();
  }

  @Override
  public void invalidate(String tag) {
    generations.computeIfAbsent(tag, t -> new AtomicLong()).incrementAndGet();
  }

  /** Bytes of bodies and keys held now (for tests and metrics). */
  public long weightedSize() {
    entries.cleanUp();
    return entries.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
  }
}
