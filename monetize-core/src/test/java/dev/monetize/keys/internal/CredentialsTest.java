package dev.monetize.keys.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.keys.ApiKey;
import dev.monetize.keys.KeyEnvironment;
import dev.monetize.keys.KeyStatus;
import dev.monetize.keys.KeyStore;
import dev.monetize.keys.SecretHasher;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The digest table in front of the key cache: an entry never outlives the record it was made from,
 * and a verification that raced with a change in this JVM is not remembered.
 */
class CredentialsTest {
  private static final long SECOND = 1_000_000_000L;
  private final AtomicLong clock = new AtomicLong(1_800_000_000L * SECOND);
  private final SecretHasher hasher = SecretHasher.sha256();
  private final KeyStore store = KeyStore.inMemory();
  // 16 slots: two keys share one often enough to find a pair quickly
  private final Credentials credentials = new Credentials(store, hasher, Duration.ofSeconds(30), Duration.ofSeconds(30),
      16, clock::get);

  private ApiKey key(String id, String secret) {
    ApiKey k = new ApiKey(id, "acme", hasher.hash(secret), Set.of("*"), KeyEnvironment.LIVE, KeyStatus.ACTIVE,
        Instant.EPOCH, Optional.empty());
    store.save(k);
    return k;
  }

  /** Looks {@code secret} up as the request path does; remembers it when the slow path found it. */
  private Optional<ApiKey> verify(String secret) {
    Credentials.Verified v = credentials.verified(secret, 0, secret.length(), clock.get());
    if (v != null) {
      return Optional.of(v.key());
    }
    String hash = credentials.hashAfterVerified(secret, 0, secret.length());
    long generation = credentials.generation();
    Optional<ApiKey> found = credentials.byHash(hash);
    found.filter(k -> k.status() == KeyStatus.ACTIVE).ifPresent(k -> credentials.remember(hash, k, generation));
    return found;
  }

  private static long slot(SecretHasher hasher, String secret) {
    byte[] d = new byte[32];
    hasher.digest(secret, 0, secret.length(), d);
    return java.nio.ByteBuffer.wrap(d).getLong() & 15;
  }

  @Test
  void anEntryNeverOutlivesTheRecordItWasMadeFrom() {
    String k = "secret-k";
    ApiKey kept = key("key_k", k);
    String j = "secret-0";
    for (int i = 1; slot(hasher, j) != slot(hasher, k); i++) {
      j = "secret-" + i;
    }
    key("key_j", j);
    assertThat(verify(k)).contains(kept); // t = 0: loaded and remembered
    clock.addAndGet(SECOND);
    assertThat(verify(j)).isPresent(); // t = 1: takes k's slot
    clock.addAndGet(SECOND);
    store.save(kept.withStatus(KeyStatus.REVOKED)); // t = 2: another JVM revokes k
    clock.addAndGet(27 * SECOND);
    assertThat(verify(k).map(ApiKey::status)).contains(KeyStatus.ACTIVE); // t = 29: within the bound
    clock.addAndGet(2 * SECOND);
    assertThat(verify(k).map(ApiKey::status)).contains(KeyStatus.REVOKED); // t = 31: one TTL after the load
  }

  @Test
  void aVerificationThatRacedWithAChangeIsNotRemembered() {
    String k = "secret-k";
    ApiKey kept = key("key_k", k);
    credentials.verified(k, 0, k.length(), clock.get());
    String hash = credentials.hashAfterVerified(k, 0, k.length());
    long generation = credentials.generation();
    ApiKey seen = credentials.byHash(hash).orElseThrow();
    credentials.save(kept.withStatus(KeyStatus.REVOKED), Optional.of(kept)); // revoked in this JVM meanwhile
    credentials.remember(hash, seen, generation);
    assertThat(credentials.verified(k, 0, k.length(), clock.get())).isNull();
    assertThat(credentials.byHash(hash).map(ApiKey::status)).contains(KeyStatus.REVOKED);
  }

  @Test
  void theHashAfterALookupIsNeverAnotherSecretsHash() {
    String first = "Bearer secret-first";
    String second = "Bearer secret-other";
    credentials.verified(first, 7, first.length(), clock.get());
    // another string, another region, another engine's hasher: each hashed for what it is
    assertThat(credentials.hashAfterVerified(second, 7, second.length())).isEqualTo(hasher.hash("secret-other"));
    credentials.verified(first, 7, first.length(), clock.get());
    assertThat(credentials.hashAfterVerified(first, 8, first.length())).isEqualTo(hasher.hash("ecret-first"));
    Credentials peppered = new Credentials(store, SecretHasher.hmacSha256(new byte[32]), Duration.ofSeconds(30),
        Duration.ofSeconds(30), 16, clock::get);
    credentials.verified(first, 7, first.length(), clock.get());
    assertThat(peppered.hashAfterVerified(first, 7, first.length()))
        .isEqualTo(SecretHasher.hmacSha256(new byte[32]).hash("secret-first"));
    // the request path's order: the digest just computed for this very region
    credentials.verified(first, 7, first.length(), clock.get());
    assertThat(credentials.hashAfterVerified(first, 7, first.length())).isEqualTo(hasher.hash("secret-first"));
  }
}
