package dev.monetize.keys;

class InMemoryKeyStoreTest extends KeyStoreContract {
  @Override
  protected KeyStore store() {
    return KeyStore.inMemory();
  }
}
