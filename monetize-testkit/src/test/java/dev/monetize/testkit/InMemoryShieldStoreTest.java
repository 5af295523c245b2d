package dev.monetize.testkit;

import dev.monetize.shield.ShieldStore;

/** The in-memory shield store against the contract. */
class InMemoryShieldStoreTest extends ShieldStoreContract {
  @Override
  protected ShieldStore store() {
    return ShieldStore.inMemory();
  }
}
