package dev.monetize.testkit;

import dev.monetize.cache.ResponseCache;

/** The in-memory response cache against the contract. */
class InMemoryResponseCacheTest extends ResponseCacheContract {
  @Override
  protected ResponseCache cache() {
    return ResponseCache.inMemory(1 << 20);
  }
}
