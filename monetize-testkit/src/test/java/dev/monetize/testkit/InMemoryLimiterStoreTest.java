package dev.monetize.testkit;

import dev.monetize.limits.LimiterStore;

/** The limiter store contract on the in-memory default. */
class InMemoryLimiterStoreTest extends LimiterStoreContract {
  @Override
  protected LimiterStore store() {
    return LimiterStore.inMemory();
  }
}
