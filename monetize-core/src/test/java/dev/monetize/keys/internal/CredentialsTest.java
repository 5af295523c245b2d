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
 * The table of verified keys in front of the key cache: an entry never outlives the record it was
 * made from, a change in this JVM drops it at once, and a verification that raced with such a change
 * is not remembered.
 */
class CredentialsTest {
  private static final long SECOND = 1_000_000_000L;
  private final AtomicLong clock = new AtomicLong(1_800_000_000L * SECOND);
  private final SecretHasher hasher = SecretHasher.sha256();
  private final KeyStore store = KeyStore.inMemory();
  // 16 slots: two keys share one often enough to find a pair quickly; the tag key is known to the test
  private static final long SEED = 42;
  private final Credentials credentials = new Credentials(store, hasher, Duration.ofSeconds(30), Duration.ofSeconds(30),
      16, clock::get, new java.util.Random(SEED));

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
    found.filter(k -> k.status() == KeyStatus.ACTIVE).ifPresent(k -> credentials.remember(secret, 0, secret.length(), k, generation));
    return found;
  }

  /** The slot of {@code secret} in the table of {@link #credentials} (its tag key is the seed's first two longs). */
  private static long slot(String secret) {
    java.util.Random random = new java.util.Random(SEED);
    long[] tag = new long[2];
    SipHash.tag128(random.nextLong(), random.nextLong(), secret, 0, secret.length(), tag);
    return tag[0] & 15;
  }

  /** A secret {@code secret-<i>} whose slot is {@code secret}'s ({@code sameSlot}) or another one. */
  private static String secretBeside(String secret, boolean sameSlot) {
    for (int i = 0; ; i++) {
      String other = "secret-" + i;
      if (!other.equals(secret) && (slot(other) == slot(secret)) == sameSlot) {
        return other;
      }
    }
  }

  @Test
  void anEntryNeverOutlivesTheRecordItWasMadeFrom() {
    String k = "secret-k";
    ApiKey kept = key("key_k", k);
    String j = secretBeside(k, true);
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
  void aChangeInThisJvmDropsTheKeysEntryAndNoOther() {
    String k = "secret-k";
    ApiKey kept = key("key_k", k);
    String j = secretBeside(k, false);
    ApiKey other = key("key_j", j);
    verify(k);
    verify(j);
    assertThat(credentials.verified(k, 0, k.length(), clock.get())).isNotNull();
    credentials.save(kept.withStatus(KeyStatus.REVOKED), Optional.of(kept));
    assertThat(credentials.verified(k, 0, k.length(), clock.get())).isNull(); // at once, not after the TTL
    assertThat(credentials.verified(j, 0, j.length(), clock.get()).key()).isSameAs(other);
    assertThat(verify(k).map(ApiKey::status)).contains(KeyStatus.REVOKED);
  }

  @Test
  void theIndexByKeyFollowsTheTableAndEveryKeyItHoldsCanBeDropped() {
    java.util.List<ApiKey> keys = new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) { // 200 keys through 16 slots: most entries are displaced
      keys.add(key("key_" + i, "secret-" + i));
      verify("secret-" + i);
      int[] counts = credentials.tabledKeysAndEntries();
      assertThat(counts[0]).isEqualTo(counts[1]).isLessThanOrEqualTo(16);
    }
    for (int i = 0; i < 200; i++) {
      String secret = "secret-" + i;
      boolean tabled = credentials.verified(secret, 0, secret.length(), clock.get()) != null;
      credentials.save(keys.get(i).withStatus(KeyStatus.REVOKED), Optional.of(keys.get(i)));
      assertThat(credentials.verified(secret, 0, secret.length(), clock.get())).as("key %d, tabled: %s", i, tabled)
          .isNull();
    }
    assertThat(credentials.tabledKeysAndEntries()).containsExactly(0, 0);
  }

  @Test
  void aKeyRotatedByAnotherJvmLeavesNoEntryOfItsOldSecretBehind() {
    String old = "secret-k";
    ApiKey kept = key("key_k", old);
    String rotated = secretBeside(old, false);
    verify(old);
    store.save(new ApiKey("key_k", "acme", hasher.hash(rotated), Set.of("*"), KeyEnvironment.LIVE, KeyStatus.ACTIVE,
        Instant.EPOCH, Optional.empty())); // another JVM rotates: this one learns of it after the TTL
    clock.addAndGet(31 * SECOND);
    assertThat(verify(rotated).map(ApiKey::secretHash)).contains(hasher.hash(rotated));
    assertThat(credentials.tabledKeysAndEntries()).containsExactly(1, 1); // the new secret's entry alone
    assertThat(credentials.verified(old, 0, old.length(), clock.get())).isNull();
    assertThat(kept.secretHash()).isEqualTo(hasher.hash(old));
  }

  @Test
  void aKeyRevokedWhileTwoRequestsRememberItIsNeverFoundAgain() throws Exception {
    // two first verifications of one key and its revocation, raced many times: once all three are
    // done, the revoked key is never found in the table, and the table and its index agree
    java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(3);
    try {
      for (int trial = 0; trial < 3_000; trial++) {
        Credentials c = new Credentials(store, hasher, Duration.ofSeconds(30), Duration.ofSeconds(30), 16, clock::get);
        String secret = "secret-race-" + trial;
        ApiKey k = key("key_race_" + trial, secret);
        String hash = c.hashAfterVerified(secret, 0, secret.length());
        long generation = c.generation();
        ApiKey seen = c.byHash(hash).orElseThrow();
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(3);
        java.util.concurrent.Callable<Void> remember = () -> {
          start.await();
          c.remember(secret, 0, secret.length(), seen, generation);
          return null;
        };
        java.util.concurrent.Future<Void> first = threads.submit(remember);
        java.util.concurrent.Future<Void> second = threads.submit(remember);
        java.util.concurrent.Future<Void> revoke = threads.submit(() -> {
          start.await();
          c.save(k.withStatus(KeyStatus.REVOKED), Optional.of(k));
          return null;
        });
        first.get();
        second.get();
        revoke.get();
        assertThat(c.verified(secret, 0, secret.length(), clock.get())).as("trial %d", trial).isNull();
        int[] counts = c.tabledKeysAndEntries();
        assertThat(counts[0]).as("trial %d", trial).isEqualTo(counts[1]);
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aRecordLoadedWhileTheKeyIsRevokedHereIsNotKeptAfterTheRevocation() throws Exception {
    java.util.concurrent.CountDownLatch read = new java.util.concurrent.CountDownLatch(1);
    KeyStore slow = new KeyStore() { // reads the record, then takes a while to answer
      @Override public void save(ApiKey key) { store.save(key); }
      @Override public Optional<ApiKey> findById(String id) { return store.findById(id); }
      @Override public java.util.List<ApiKey> list(String organization, Optional<String> project,
          Optional<String> after, int limit) { return store.list(organization, project, after, limit); }
      @Override public void saveProject(dev.monetize.keys.Project project) { store.saveProject(project); }
      @Override public Optional<dev.monetize.keys.Project> findProject(String id) { return store.findProject(id); }
      @Override public long countProjects(String organization) { return store.countProjects(organization); }
      @Override
      public Optional<ApiKey> findByHash(String hash) {
        Optional<ApiKey> found = store.findByHash(hash);
        read.countDown();
        try {
          Thread.sleep(200); // the revocation happens meanwhile
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return found;
      }
    };
    Credentials c = new Credentials(slow, hasher, Duration.ofSeconds(30), Duration.ofSeconds(30), 16, clock::get);
    ApiKey k = key("key_k", "secret-k");
    String hash = hasher.hash("secret-k");
    java.util.concurrent.CompletableFuture<Optional<ApiKey>> loading =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> c.byHash(hash));
    assertThat(read.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    c.save(k.withStatus(KeyStatus.REVOKED), Optional.of(k));
    assertThat(loading.get(5, java.util.concurrent.TimeUnit.SECONDS).map(ApiKey::status)).contains(KeyStatus.ACTIVE);
    assertThat(c.byHash(hash).map(ApiKey::status)).contains(KeyStatus.REVOKED); // not the record read before
  }

  @Test
  void onlyTheSecretWhoseHashTheRecordHoldsIsEverTabledForIt() {
    ApiKey k = key("key_k", "secret-k");
    String hash = credentials.hashAfterVerified("secret-k", 0, 8);
    long generation = credentials.generation();
    ApiKey seen = credentials.byHash(hash).orElseThrow();
    credentials.remember("secret-x", 0, 8, seen, generation); // a caller's mistake: another text for this key
    assertThat(credentials.verified("secret-x", 0, 8, clock.get())).isNull();
    credentials.remember("secret-k", 0, 8, seen, generation);
    assertThat(credentials.verified("secret-k", 0, 8, clock.get()).key()).isSameAs(k);
  }

  @Test
  void aSecretThatTakesAnotherSecretsSlotIsNeverTakenForIt() {
    String k = "secret-k";
    key("key_k", k);
    String j = secretBeside(k, true);
    verify(k);
    assertThat(credentials.verified(j, 0, j.length(), clock.get())).isNull(); // same slot, another tag
    assertThat(verify(j)).isEmpty(); // and unknown to the store
  }

  @Test
  void anEntryMatchesEveryBitOfItsTagAndNothingElse() {
    ApiKey k = key("key_k", "secret-k");
    Credentials.Verified v = new Credentials.Verified(new long[] {5, 9}, k, Long.MAX_VALUE, 0);
    assertThat(v.matches(new long[] {5, 9})).isTrue();
    assertThat(v.matches(new long[] {5, 9 ^ 1L << 63})).isFalse();
    assertThat(v.matches(new long[] {5 ^ 1L << 40, 9})).isFalse();
  }

  @Test
  void twoEnginesTagTheSameSecretUnderTheirOwnKeys() {
    String k = "secret-k";
    ApiKey kept = key("key_k", k);
    verify(k);
    Credentials another = new Credentials(store, hasher, Duration.ofSeconds(30), Duration.ofSeconds(30), 16, clock::get);
    assertThat(another.verified(k, 0, k.length(), clock.get())).isNull(); // nothing shared but the store
    String hash = another.hashAfterVerified(k, 0, k.length());
    long generation = another.generation();
    another.remember(k, 0, k.length(), another.byHash(hash).orElseThrow(), generation);
    assertThat(another.verified(k, 0, k.length(), clock.get()).key()).isEqualTo(kept);
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
    credentials.remember(k, 0, k.length(), seen, generation);
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
