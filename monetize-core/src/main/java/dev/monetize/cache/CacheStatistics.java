package dev.monetize.cache;

/**
 * What the response cache did for one operation since the engine started
 * ({@code monetize.cache().statistics()}).
 *
 * @param hits fresh answers served from the cache (a {@code 304} included; a flight's answer too)
 * @param misses lookups that found no entry to serve: the endpoint ran
 * @param staleServes stale answers served: while one request refreshed them, instead of a failure,
 *     or instead of a load-shedding refusal
 * @param stores answers stored
 * @param evictions entries dropped to make room before they expired (stores that cannot tell, such
 *     as Redis, report 0: see its {@code evicted_keys})
 * @param bytesServed body bytes served from the cache, as sent on the wire
 * @param bytesStored body bytes stored (both forms, uncompressed and gzip)
 */
public record CacheStatistics(long hits, long misses, long staleServes, long stores, long evictions, long bytesServed,
    long bytesStored) {
  /** Nothing yet. */
  public static final CacheStatistics NONE = new CacheStatistics(0, 0, 0, 0, 0, 0, 0);

  /** The sum of this and {@code o}. */
  public CacheStatistics plus(CacheStatistics o) {
    return new CacheStatistics(hits + o.hits, misses + o.misses, staleServes + o.staleServes, stores + o.stores,
        evictions + o.evictions, bytesServed + o.bytesServed, bytesStored + o.bytesStored);
  }
}
