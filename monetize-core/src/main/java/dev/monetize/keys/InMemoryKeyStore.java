package dev.monetize.keys;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The zero-infrastructure {@link KeyStore}: two concurrent maps, no I/O. */
final class InMemoryKeyStore implements KeyStore {
  private final ConcurrentHashMap<String, ApiKey> byHash = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ApiKey> byId = new ConcurrentHashMap<>();

  @Override
  public Optional<ApiKey> findByHash(String secretHash) {
    return Optional.ofNullable(byHash.get(secretHash));
  }

  @Override
  public Optional<ApiKey> findById(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  @Override
  public void save(ApiKey key) {
    byId.compute(key.id(), (id, previous) -> {
      if (previous != null && !previous.secretHash().equals(key.secretHash())) {
        byHash.remove(previous.secretHash(), previous);
      }
      byHash.put(key.secretHash(), key);
      return key;
    });
  }
}
