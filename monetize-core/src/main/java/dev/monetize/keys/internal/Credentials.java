package dev.monetize.keys.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.monetize.keys.ApiKey;
import dev.monetize.keys.KeyStore;
import dev.monetize.keys.SecretHasher;
import java.time.Duration;
import java.util.Optional;

/**
 * The verification cache in front of the key store. Positive entries (hash to key) live for a
 * short TTL, negative entries (an unknown hash) too, so a flood of the same well-formed but unknown
 * key costs one store lookup per TTL; both are bounded in size. Revocation and rotation in this JVM
 * invalidate at once; in other JVMs they take effect within the positive TTL. Entries hold hashes
 * and key records, never a secret.
 */
public final class Credentials {
  private static final Optional<ApiKey> UNKNOWN = Optional.empty();

  private final KeyStore store;
  private final SecretHasher hasher;
  private final Cache<String, ApiKey> byHash;
  private final Cache<String, Boolean> unknown;
  private final Cache<String, ApiKey> byId;

  public Credentials(KeyStore store, SecretHasher hasher, Duration positiveTtl, Duration negativeTtl, long maximumSize) {
    this.store = store;
    this.hasher = hasher;
    this.byHash = Caffeine.newBuilder().expireAfterWrite(positiveTtl).maximumSize(maximumSize).build();
    this.byId = Caffeine.newBuilder().expireAfterWrite(positiveTtl).maximumSize(maximumSize).build();
    this.unknown = Caffeine.newBuilder().expireAfterWrite(negativeTtl).maximumSize(maximumSize).build();
  }

  /**
   * A short, public name of one secret of a key, carried by the tokens it mints (claim {@code kv}):
   * a hash of the stored hash, so a token never shows what the store holds.
   */
  public static String version(String secretHash) {
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-256")
          .digest(("kv:" + secretHash).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(d).substring(0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  public String hash(String secret) {
    return hasher.hash(secret);
  }

  /** The hash of the secret {@code text[from, to)}. */
  public String hash(String text, int from, int to) {
    return hasher.hash(text, from, to);
  }

  /** The key whose current or previous secret hashes to {@code hash}. */
  public Optional<ApiKey> byHash(String hash) {
    ApiKey cached = byHash.getIfPresent(hash);
    if (cached != null) {
      return Optional.of(cached);
    }
    if (unknown.getIfPresent(hash) != null) {
      return UNKNOWN;
    }
    Optional<ApiKey> found = store.findByHash(hash);
    if (found.isPresent()) {
      byHash.put(hash, found.get());
    } else {
      unknown.put(hash, Boolean.TRUE);
    }
    return found;
  }

  /** The key of that id (for tokens, which name their key). */
  public Optional<ApiKey> byId(String id) {
    ApiKey cached = byId.getIfPresent(id);
    if (cached != null) {
      return Optional.of(cached);
    }
    Optional<ApiKey> found = store.findById(id);
    found.ifPresent(k -> byId.put(id, k));
    return found;
  }

  /** Saves a key and forgets every cached view of it, so this JVM sees the change at once. */
  public void save(ApiKey key, Optional<ApiKey> before) {
    store.save(key);
    forget(key);
    before.ifPresent(this::forget);
  }

  private void forget(ApiKey key) {
    byHash.invalidate(key.secretHash());
    key.previousSecretHash().ifPresent(byHash::invalidate);
    unknown.invalidate(key.secretHash());
    byId.invalidate(key.id());
  }
}
