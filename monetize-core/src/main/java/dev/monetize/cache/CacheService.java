package dev.monetize.cache;

/**
 * Invalidation of cached answers by tag, from code: after a tenant's data changes, drop what its
 * cached answers said about it. With a shared store (Redis) every node misses at once. Also what
 * the cache did, per operation.
 *
 * <pre>{@code
 * monetize.cache().invalidate(principal.customerId(), "stats"); // after ingesting its events
 * }</pre>
 */
public interface CacheService {
  /** Drops {@code tenant}'s cached answers stored under {@code tag}. */
  void invalidate(String tenant, String tag);

  /** Drops every tenant's cached answers stored under {@code tag}. */
  void invalidateForEveryone(String tag);

  /** What the cache did since the engine started, per operation id (operations it never saw are absent). */
  java.util.Map<String, CacheStatistics> statistics();
}
