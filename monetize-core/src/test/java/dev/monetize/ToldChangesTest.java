package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.keys.ApiKey;
import dev.monetize.keys.KeyEnvironment;
import dev.monetize.keys.KeyStatus;
import dev.monetize.keys.SecretHasher;
import dev.monetize.keys.internal.Credentials;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A change the key store tells ({@link KeyStore.Changes}, a key id) while a lookup of that key is
 * under way: the lookup's answer may be the record from before, but it is not kept, so the next
 * lookup reads the changed record. (A lookup cannot be found by the id: it is keyed by the hash.)
 */
class ToldChangesTest {
  private final AtomicLong clock = new AtomicLong(1_800_000_000_000_000_000L);
  private final SecretHasher hasher = SecretHasher.sha256();
  private final HookedKeyStore store = new HookedKeyStore();
  private final CountDownLatch read = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final Credentials credentials = new Credentials(store, hasher, Duration.ofMinutes(10),
      Duration.ofMinutes(10), 16, clock::get);

  /** The store's first lookup waits, having read its record, until the test releases it. */
  @org.junit.jupiter.api.BeforeEach
  void slowed() {
    store.afterRead = () -> {
      read.countDown();
      try {
        release.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
  }
  private final ApiKey key = new ApiKey("key_k", "acme", hasher.hash("secret-k"), Set.of("*"), KeyEnvironment.LIVE,
      KeyStatus.ACTIVE, Instant.EPOCH, Optional.empty());

  @Test
  void aLookupByHashThatRacedAToldRevocationIsNotKept() throws Exception {
    store.save(key);
    CompletableFuture<Optional<ApiKey>> loading = CompletableFuture.supplyAsync(
        () -> credentials.byHash(key.secretHash()));
    revokedElsewhereWhileItReads();
    loading.get(5, TimeUnit.SECONDS);
    assertThat(credentials.byHash(key.secretHash()).map(ApiKey::status)).contains(KeyStatus.REVOKED);
  }

  @Test
  void aLookupByIdThatRacedAToldRevocationIsNotKept() throws Exception {
    store.save(key);
    CompletableFuture<Optional<ApiKey>> loading = CompletableFuture.supplyAsync(() -> credentials.byId(key.id()));
    revokedElsewhereWhileItReads();
    loading.get(5, TimeUnit.SECONDS);
    assertThat(credentials.byId(key.id()).map(ApiKey::status)).contains(KeyStatus.REVOKED);
  }

  /** Once the lookup has read the record: another process revokes the key, and the store tells it. */
  private void revokedElsewhereWhileItReads() throws InterruptedException {
    revokedElsewhereWhileItReads(key);
    release.countDown();
  }

  private void revokedElsewhereWhileItReads(ApiKey k) throws InterruptedException {
    assertThat(read.await(5, TimeUnit.SECONDS)).isTrue();
    store.save(k.withStatus(KeyStatus.REVOKED));
    credentials.changes().changed(k.id());
  }

  @Test
  void aCallerThatWaitedOnALoadAToldChangeMadeStaleReadsAgainAndRemembersNothing() throws Exception {
    String secret = "mk_test_19zGr9MizmLmQfRX4TZHGM26z5EA";
    ApiKey active = new ApiKey("key_w", "acme", hasher.hash(secret), Set.of("*"), KeyEnvironment.LIVE,
        KeyStatus.ACTIVE, Instant.EPOCH, Optional.empty());
    store.save(active);
    Thread first = new Thread(() -> verify(secret)); // reads the key before the revocation commits
    first.start();
    revokedElsewhereWhileItReads(active);
    java.util.concurrent.atomic.AtomicReference<Optional<ApiKey>> seenBySecond = new java.util.concurrent.atomic.AtomicReference<>();
    Thread second = new Thread(() -> seenBySecond.set(verify(secret))); // arrives after the notice, waits on that load
    second.start();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
        second.getState() == Thread.State.BLOCKED || second.getState() == Thread.State.WAITING);
    release.countDown();
    first.join(5_000);
    second.join(5_000);
    assertThat(seenBySecond.get().map(ApiKey::status)).contains(KeyStatus.REVOKED);
    assertThat(credentials.verified(secret, 0, secret.length(), clock.get())).as("nothing remembered").isNull();
    assertThat(credentials.byHash(active.secretHash()).map(ApiKey::status)).contains(KeyStatus.REVOKED);
  }

  /** Looks {@code secret} up as the request path does, remembering a key that is active. */
  private Optional<ApiKey> verify(String secret) {
    long generation = credentials.generation();
    Optional<ApiKey> found = credentials.byHash(credentials.hashAfterVerified(secret, 0, secret.length()));
    found.filter(k -> k.status() == KeyStatus.ACTIVE)
        .ifPresent(k -> credentials.remember(secret, 0, secret.length(), k, generation));
    return found;
  }
}
