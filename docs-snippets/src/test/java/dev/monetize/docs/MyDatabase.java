package dev.monetize.docs;

import dev.monetize.keys.KeyStore;

/** A stand-in for a test database: what two clients of one backend share. */
final class MyDatabase {
  final KeyStore keys = KeyStore.inMemory();

  static MyDatabase fresh() {
    return new MyDatabase();
  }
}
