/**
 * Response caching per tenant: the {@link dev.monetize.cache.ResponseCache} SPI (in memory on
 * Caffeine, shared on Redis in {@code monetize-redis}), the keys that never let one tenant's entry
 * answer another ({@link dev.monetize.cache.CacheKey}), tag invalidation by generations, and
 * single-flight loading.
 */
package dev.monetize.cache;
