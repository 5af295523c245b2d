package dev.monetize.testkit;

import dev.monetize.keys.CustomerStore;

/** The customer store contract on the in-memory default. */
class InMemoryCustomerStoreTest extends CustomerStoreContract {
  @Override
  protected CustomerStore store() {
    return CustomerStore.inMemory();
  }
}
