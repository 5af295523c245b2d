package dev.monetize.testkit;

import dev.monetize.keys.KeyStore;

/** The key store contract on the in-memory default. */
class InMemoryKeyStoreTest extends KeyStoreContract {
  @Override
  protected KeyStore store() {
    return KeyStore.inMemory();
  }
}
