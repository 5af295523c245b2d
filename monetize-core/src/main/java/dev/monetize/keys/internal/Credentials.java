package dev.monetize.keys.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.monetize.keys.ApiKey;
import dev.monetize.keys.KeyStore;
import dev.monetize.keys.SecretHasher;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The verification cache in front of the key store. Positive entries (hash to key) live for a
 * short TTL, negative entries (an unknown hash) too, so a flood of the same well-formed but unknown
 * key costs one store lookup per TTL; both are bounded in size. Revocation and rotation in this JVM
 * invalidate at once; in other JVMs they take effect within the positive TTL. Entries hold hashes
 * and key records, never a secret.
 *
 * <p>In front of that, for the request path, a table of the keys verified by their current
 * secret, found by the secret's 128-bit SipHash tag under a key this object drew at random
 * ({@link SipHash}; compared in full, in constant time) without SHA-256 or the hash's text, in a
 * fixed array where a colliding key simply takes the slot. Nobody without that random key can make
 * another secret land on an entry (and it holds no secret: a tag is as one-way as a hash for
 * secrets of a key's strength). It follows the same TTL and the same invalidation.
 */
public final class Credentials {
  private static final Optional<ApiKey> UNKNOWN = Optional.empty();

  private final KeyStore store;
  private final SecretHasher hasher;
  private final Cache<String, Loaded> byHash;
  private final java.util.function.LongSupplier clock;
  /** Counts every change saved through {@link #save}: a verification that saw a change may be stale. */
  private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();

  /**
   * A key record as loaded from the store, when (on the engine's clock), and the {@link #generation}
   * read before the store was asked: a change the store tells of the key after that makes it stale.
   */
  private record Loaded(ApiKey key, long at, long generation) {}
  /**
   * The generation at which the store last told of a change to each key ({@link #forgetKey}): a record
   * of the key loaded before it is stale, wherever it is (a load under way cannot be found by the id).
   * Kept for the TTL, as long as any record loaded before could be.
   */
  private final Cache<String, Long> toldAt;
  /** The generation at which the store last said changes may have been missed: every record loaded before is stale. */
  private volatile long allToldAt;
  private final Cache<String, Boolean> unknown;
  private final Cache<String, Loaded> byId;
  /** Verified current secrets by tag; null when the TTL is zero (every request asks the store). */
  private final AtomicReferenceArray<Verified> table;
  private final int mask;
  /**
   * Each entry of {@link #table} by its key's id, so that a change to a key finds its entry (a tag
   * cannot be made from a stored hash). Both change together under this map's monitor (on a key's
   * first verification and on a change to a key, never on a request that finds its key): an id is
   * here exactly when its entry is in the table.
   */
  private final java.util.concurrent.ConcurrentHashMap<String, Verified> tabled =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final long ttlNanos;
  /** The tag key of {@link #table}: drawn at random, never leaves this object. */
  private final long tagKey0;
  private final long tagKey1;

  /** Where the request path puts a secret's tag (one per thread: nothing carried from call to call but this buffer). */
  private static final ThreadLocal<long[]> TAG = ThreadLocal.withInitial(() -> new long[2]);

  /**
   * A key verified by its current secret, found again by the secret's tag until {@code
   * validUntil}. {@link #memo} is the caller's: the identification keeps what it built for the key.
   */
  public static final class Verified {
    private final long t0;
    private final long t1;
    private final ApiKey key;
    private final long validUntil;
    /** Its place in the table. */
    private final int slot;
    /** What the caller derived from {@link #key()} (replaced whole, never mutated). */
    public volatile Object memo;

    Verified(long[] tag, ApiKey key, long validUntil, int slot) {
      this.t0 = tag[0];
      this.t1 = tag[1];
      this.key = key;
      this.validUntil = validUntil;
      this.slot = slot;
    }

    /** The key. */
    public ApiKey key() {
      return key;
    }

    boolean matches(long[] tag) {
      return ((t0 ^ tag[0]) | (t1 ^ tag[1])) == 0; // every bit compared, in constant time
    }
  }

  /**
   * @param clock the engine's clock, nanoseconds: every entry's age is measured on it, so a test's
   *     manual clock moves the TTL too
   */
  public Credentials(KeyStore store, SecretHasher hasher, Duration positiveTtl, Duration negativeTtl, long maximumSize,
      java.util.function.LongSupplier clock) {
    this(store, hasher, positiveTtl, negativeTtl, maximumSize, clock, new java.security.SecureRandom());
  }

  /** The same, the table's tag key drawn from {@code random} (a test's seeded one finds two secrets that share a slot). */
  Credentials(KeyStore store, SecretHasher hasher, Duration positiveTtl, Duration negativeTtl, long maximumSize,
      java.util.function.LongSupplier clock, java.util.Random random) {
    this.store = store;
    this.hasher = hasher;
    this.clock = clock;
    com.github.benmanes.caffeine.cache.Ticker ticker = clock::getAsLong;
    this.byHash = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(positiveTtl).maximumSize(maximumSize).build();
    this.byId = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(positiveTtl).maximumSize(maximumSize).build();
    this.toldAt = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(positiveTtl).maximumSize(maximumSize).build();
    this.unknown = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(negativeTtl).maximumSize(maximumSize).build();
    this.ttlNanos = positiveTtl.toNanos();
    int slots = Integer.highestOneBit((int) Math.max(16, Math.min(maximumSize, 1 << 16)));
    this.table = ttlNanos > 0 ? new AtomicReferenceArray<>(slots) : null;
    this.mask = slots - 1;
    this.tagKey0 = random.nextLong();
    this.tagKey1 = random.nextLong();
  }

  /**
   * The verified key whose current secret is {@code text[from, to)}, from the table, or null: then
   * look it up by {@link #hashAfterVerified} and {@link #byHash}. Allocates nothing (on a platform
   * thread: the tag's buffer is the thread's).
   *
   * @param now the request's time, nanoseconds since the epoch (entries live for the positive TTL)
   */
  public Verified verified(String text, int from, int to, long now) {
    long[] tag = TAG.get();
    if (table == null || !SipHash.tag128(tagKey0, tagKey1, text, from, to, tag)) {
      return null;
    }
    Verified v = table.get(slot(tag));
    return v != null && v.matches(tag) && now < v.validUntil ? v : null;
  }

  /**
   * The stored hash of {@code text[from, to)} (the engine's {@link SecretHasher}), for the store
   * lookup after {@link #verified} found nothing: made from the text itself, with no state carried
   * from one call to the next that could ever be another secret's.
   */
  public String hashAfterVerified(String text, int from, int to) {
    return hasher.hash(text, from, to);
  }

  /** The number of key changes saved so far: read it before {@link #byHash}, pass it to {@link #remember}. */
  public long generation() {
    return generation.get();
  }

  /**
   * Remembers {@code key}, just found by {@link #byHash}, as verified by {@code text[from, to)},
   * when that text is its current secret (hashed again here: only the secret whose hash the record
   * holds is ever tabled under it), so a later {@link #verified} finds the key by that secret's tag
   * alone. The entry lives until the record it came from expires (so another JVM's change shows
   * within one TTL of the load), and is not made when a key was changed since {@code seenGeneration}.
   */
  public void remember(String text, int from, int to, ApiKey key, long seenGeneration) {
    long[] tag = new long[2];
    if (table == null || !SipHash.tag128(tagKey0, tagKey1, text, from, to, tag)) {
      return;
    }
    String hash = hasher.hash(text, from, to);
    Loaded loaded = byHash.getIfPresent(hash);
    if (!SecretHasher.same(key.secretHash(), hash) || loaded == null || loaded.key() != key || stale(loaded)) {
      return; // not its current secret; or forgotten meanwhile, or replaced by a newer record
    }
    Verified v = new Verified(tag, key, loaded.at() + ttlNanos, slot(tag));
    synchronized (tabled) { // the table and its index change together, and after the generation is read
      if (generation.get() != seenGeneration) {
        return; // a key changed while this one was looked up: it may be this one
      }
      Verified before = tabled.put(key.id(), v);
      if (before != null) {
        table.compareAndSet(before.slot, before, null);
      }
      Verified displaced = table.getAndSet(v.slot, v);
      if (displaced != null) {
        tabled.remove(displaced.key.id(), displaced);
      }
    }
  }

  private int slot(long[] tag) {
    return (int) tag[0] & mask;
  }

  /** How many keys {@link #tabled} names, and how many entries the table holds: equal once calls are done (a test's check). */
  int[] tabledKeysAndEntries() {
    int entries = 0;
    for (int i = 0; table != null && i < table.length(); i++) {
      entries += table.get(i) == null ? 0 : 1;
    }
    return new int[] {tabled.size(), entries};
  }

  /** Drops the table's entry for the key {@code id}, if it holds one. */
  private void forgetInTable(String id) {
    synchronized (tabled) {
      Verified v = tabled.remove(id);
      if (v != null) {
        table.compareAndSet(v.slot, v, null);
      }
    }
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

  /** The key whose current or previous secret hashes to {@code hash}. */
  public Optional<ApiKey> byHash(String hash) {
    for (int attempt = 0; attempt < 3; attempt++) {
      Loaded cached = byHash.getIfPresent(hash);
      if (cached != null && !stale(cached)) {
        return Optional.of(cached.key());
      }
      if (cached != null) {
        byHash.asMap().remove(hash, cached); // loaded before a change the store told since
      }
      if (unknown.getIfPresent(hash) != null) {
        return UNKNOWN;
      }
      // loaded through the cache: a change saved here meanwhile waits for the load, then drops it; one the
      // store tells (by id) makes it stale for every caller that waited on it too, who then read again
      long seen = generation.get();
      Loaded loaded = byHash.get(hash,
          h -> store.findByHash(h).map(k -> new Loaded(k, clock.getAsLong(), seen)).orElse(null));
      if (loaded == null) {
        unknown.put(hash, Boolean.TRUE);
        return UNKNOWN;
      }
      if (!stale(loaded)) {
        return Optional.of(loaded.key());
      }
      byHash.asMap().remove(hash, loaded);
    }
    return store.findByHash(hash); // changes told on every try: the store's word, not kept
  }

  /** The key of that id (for tokens, which name their key). */
  public Optional<ApiKey> byId(String id) {
    Loaded cached = byId.getIfPresent(id);
    if (cached != null && !stale(cached)) {
      return Optional.of(cached.key());
    }
    long seen = generation.get();
    Optional<ApiKey> found = store.findById(id);
    // kept only when no change to it was told meanwhile (a forget that follows this waits for it, then removes it)
    found.ifPresent(k -> byId.asMap().compute(id, (i, before) -> {
      Loaded l = new Loaded(k, clock.getAsLong(), seen);
      return stale(l) ? null : l;
    }));
    return found;
  }

  /** Whether the store told of a change to the record's key (or of missed changes) after it was loaded. */
  private boolean stale(Loaded l) {
    if (l.generation() < allToldAt) {
      return true;
    }
    Long told = toldAt.getIfPresent(l.key().id());
    return told != null && l.generation() < told;
  }

  /**
   * Replaces {@code before} by {@code key} if the store still holds {@code before}
   * ({@link KeyStore#replace}), then forgets every cached view of it as {@link #save} does; whether
   * it did.
   */
  public boolean replace(ApiKey before, ApiKey key) {
    if (!store.replace(before, key)) {
      return false;
    }
    forgotten(key, Optional.of(before));
    return true;
  }

  /** Saves a key and forgets every cached view of it, so this JVM sees the change at once. */
  public void save(ApiKey key, Optional<ApiKey> before) {
    store.save(key);
    forgotten(key, before);
  }

  /** Saves a new key unless its organization holds {@code max} keys not revoked ({@link KeyStore#saveWithin}). */
  public boolean saveWithin(ApiKey key, long max) {
    if (!store.saveWithin(key, max)) {
      return false;
    }
    forgotten(key, Optional.empty());
    return true;
  }

  private void forgotten(ApiKey key, Optional<ApiKey> before) {
    forget(key); // first the caches: a load under way finishes, then its record goes
    before.ifPresent(this::forget);
    generation.incrementAndGet(); // then: a verification that read the generation before this is not remembered
    forgetInTable(key.id());
    before.filter(b -> !b.id().equals(key.id())).ifPresent(b -> forgetInTable(b.id()));
  }

  /**
   * What the key store tells of keys changed by another process ({@link KeyStore#watch}): each is
   * forgotten at once, as a change saved here is.
   */
  public KeyStore.Changes changes() {
    return new KeyStore.Changes() {
      @Override
      public void changed(String keyId) {
        forgetKey(keyId);
      }

      @Override
      public void mayHaveMissedChanges() {
        forgetAll();
      }
    };
  }

  /**
   * Forgets every cached view of the key {@code id}, whose record this process has not seen change:
   * first the generation moves (a load under way is then not kept, nor a verification remembered),
   * then the caches are cleared (its hashes are not known here: one scan of the hash cache).
   */
  void forgetKey(String id) {
    toldAt.put(id, generation.incrementAndGet());
    byId.invalidate(id);
    byHash.asMap().values().removeIf(l -> l.key().id().equals(id));
    forgetInTable(id);
  }

  /** Forgets every cached key (the generation first, as {@link #forgetKey}). */
  void forgetAll() {
    allToldAt = generation.incrementAndGet();
    byId.invalidateAll();
    byHash.invalidateAll();
    unknown.invalidateAll();
    if (table != null) {
      synchronized (tabled) {
        for (Verified v : tabled.values()) {
          table.compareAndSet(v.slot, v, null);
        }
        tabled.clear();
      }
    }
  }

  private void forget(ApiKey key) {
    byHash.invalidate(key.secretHash());
    key.previousSecretHash().ifPresent(byHash::invalidate);
    unknown.invalidate(key.secretHash());
    byId.invalidate(key.id());
  }
}
