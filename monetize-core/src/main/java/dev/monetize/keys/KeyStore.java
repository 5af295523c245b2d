package dev.monetize.keys;

import java.util.Optional;

/**
 * Where API keys live. The in-memory default is {@link #inMemory()}; production deployments plug
 * in a database-backed store. Implementations must be thread-safe and must never receive or keep a
 * secret: they see hashes only.
 */
public interface KeyStore {
  /** The key whose secret hashes to {@code secretHash}. */
  Optional<ApiKey> findByHash(String secretHash);

  /** The key with public id {@code id}. */
  Optional<ApiKey> findById(String id);

  /** Inserts the key, or replaces the key with the same id. */
  void save(ApiKey key);

  /** A new, empty in-memory store. */
  static KeyStore inMemory() {
    return new InMemoryKeyStore();
  }
}
