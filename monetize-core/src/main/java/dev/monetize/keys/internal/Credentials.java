package dev.monetize.keys.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.monetize.keys.ApiKey;
import dev.monetize.keys.KeyStore;
import dev.monetize.keys.SecretHasher;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The verification cache in front of the key store. Positive entries (hash to key) live for a
 * short TTL, negative entries (an unknown hash) too, so a flood of the same well-formed but unknown
 * key costs one store lookup per TTL; both are bounded in size. Revocation and rotation in this JVM
 * invalidate at once; in other JVMs they take effect within the positive TTL. Entries hold hashes
 * and key records, never a secret.
 *
 * <p>In front of that, for the request path, a table keyed by the digest's bits: a verified
 * current secret is found by its 256-bit digest (compared in full) without building the hash's
 * text, in a fixed array where a colliding key simply takes the slot. It follows the same TTL and
 * the same invalidation.
 */
public final class Credentials {
  private static final Optional<ApiKey> UNKNOWN = Optional.empty();

  private final KeyStore store;
  private final SecretHasher hasher;
  private final Cache<String, Loaded> byHash;
  private final java.util.function.LongSupplier clock;
  /** Counts every change saved through {@link #save}: a verification that saw a change may be stale. */
  private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();

  /** A key record as loaded from the store, and when (on the engine's clock). */
  private record Loaded(ApiKey key, long at) {}
  private final Cache<String, Boolean> unknown;
  private final Cache<String, ApiKey> byId;
  /** Verified current secrets by digest; null when the TTL is zero (every request asks the store). */
  private final AtomicReferenceArray<Verified> table;
  private final int mask;
  private final long ttlNanos;
  /** The digest the last {@link #verified} call on this thread computed, if it could. */
  private static final class Scratch {
    final byte[] digest = new byte[32];
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  /**
   * A key verified by its current secret, found again by the secret's digest until {@code
   * validUntil}. {@link #memo} is the caller's: the identification keeps what it built for the key.
   */
  public static final class Verified {
    private final long d0;
    private final long d1;
    private final long d2;
    private final long d3;
    private final ApiKey key;
    private final long validUntil;
    /** What the caller derived from {@link #key()} (replaced whole, never mutated). */
    public volatile Object memo;

    Verified(byte[] digest, ApiKey key, long validUntil) {
      this.d0 = (long) LONGS.get(digest, 0);
      this.d1 = (long) LONGS.get(digest, 8);
      this.d2 = (long) LONGS.get(digest, 16);
      this.d3 = (long) LONGS.get(digest, 24);
      this.key = key;
      this.validUntil = validUntil;
    }

    /** The key. */
    public ApiKey key() {
      return key;
    }

    boolean matches(byte[] digest) {
      // every bit compared, in constant time
      return ((d0 ^ (long) LONGS.get(digest, 0)) | (d1 ^ (long) LONGS.get(digest, 8))
          | (d2 ^ (long) LONGS.get(digest, 16)) | (d3 ^ (long) LONGS.get(digest, 24))) == 0;
    }
  }

  /**
   * @param clock the engine's clock, nanoseconds: every entry's age is measured on it, so a test's
   *     manual clock moves the TTL too
   */
  public Credentials(KeyStore store, SecretHasher hasher, Duration positiveTtl, Duration negativeTtl, long maximumSize,
      java.util.function.LongSupplier clock) {
    this.store = store;
    this.hasher = hasher;
    this.clock = clock;
    com.github.benmanes.caffeine.cache.Ticker ticker = clock::getAsLong;
    this.byHash = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(positiveTtl).maximumSize(maximumSize).build();
    this.byId = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(positiveTtl).maximumSize(maximumSize).build();
    this.unknown = Caffeine.newBuilder().ticker(ticker).expireAfterWrite(negativeTtl).maximumSize(maximumSize).build();
    this.ttlNanos = positiveTtl.toNanos();
    int slots = Integer.highestOneBit((int) Math.max(16, Math.min(maximumSize, 1 << 16)));
    this.table = ttlNanos > 0 ? new AtomicReferenceArray<>(slots) : null;
    this.mask = slots - 1;
  }

  /**
   * The verified key whose current secret is {@code text[from, to)}, from the digest table, or
   * null: then look it up by {@link #hashAfterVerified} and {@link #byHash}. Allocates nothing.
   *
   * @param now the request's time, nanoseconds since the epoch (entries live for the positive TTL)
   */
  public Verified verified(String text, int from, int to, long now) {
    Scratch scratch = SCRATCH.get();
    if (table == null || !hasher.digest(text, from, to, scratch.digest)) {
      return null;
    }
    Verified v = table.get(slot(scratch.digest));
    return v != null && v.matches(scratch.digest) && now < v.validUntil ? v : null;
  }

  /**
   * The stored hash of {@code text[from, to)}, for the store lookup after {@link #verified} found
   * nothing. Hashed again rather than taken from the lookup's digest: one SHA-256 more on that slower
   * path, and no state carried from one call to the next that could ever be another secret's.
   */
  public String hashAfterVerified(String text, int from, int to) {
    return hasher.hash(text, from, to); // hashed again: nothing carried from one call to the next
  }

  /** The number of key changes saved so far: read it before {@link #byHash}, pass it to {@link #remember}. */
  public long generation() {
    return generation.get();
  }

  /**
   * Remembers {@code key}, found by {@link #byHash} as {@code hash}, the stored hash of its current
   * secret: the table keeps the digest that hash encodes (read from the hash itself, not from any
   * earlier call), so a later {@link #verified} finds the key by that secret's digest alone.
   * The entry lives until the record it came from expires (so another JVM's change shows within
   * one TTL of the load), and is not kept when a key was changed since {@code seenGeneration}.
   */
  public void remember(String hash, ApiKey key, long seenGeneration) {
    if (table == null) {
      return;
    }
    byte[] digest;
    try {
      digest = java.util.Base64.getUrlDecoder().decode(hash);
    } catch (IllegalArgumentException e) {
      return; // not a hash this engine's hasher made
    }
    if (digest.length != 32) {
      return;
    }
    Loaded loaded = byHash.getIfPresent(hash);
    if (loaded == null || loaded.key() != key) {
      return; // forgotten meanwhile, or replaced by a newer record
    }
    int i = slot(digest);
    Verified v = new Verified(digest, key, loaded.at() + ttlNanos);
    table.set(i, v);
    if (generation.get() != seenGeneration) {
      table.compareAndSet(i, v, null); // a key changed while this one was looked up: it may be this one
    }
  }

  private int slot(byte[] digest) {
    return (int) (long) LONGS.get(digest, 0) & mask;
  }

  /** Drops the table's entry for a stored hash, if it holds one. */
  private void forgetDigest(String storedHash) {
    if (table == null) {
      return;
    }
    byte[] digest;
    try {
      digest = Base64.getUrlDecoder().decode(storedHash);
    } catch (IllegalArgumentException e) {
      return; // not one of ours: never in the table
    }
    if (digest.length != 32) {
      return;
    }
    int i = slot(digest);
    Verified v = table.get(i);
    if (v != null && v.matches(digest)) {
      table.compareAndSet(i, v, null);
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
    Loaded cached = byHash.getIfPresent(hash);
    if (cached != null) {
      return Optional.of(cached.key());
    }
    if (unknown.getIfPresent(hash) != null) {
      return UNKNOWN;
    }
    Optional<ApiKey> found = store.findByHash(hash);
    if (found.isPresent()) {
      byHash.put(hash, new Loaded(found.get(), clock.getAsLong()));
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
    generation.incrementAndGet(); // first: a verification under way when this runs is not remembered
    forgetDigest(key.secretHash());
    key.previousSecretHash().ifPresent(this::forgetDigest);
    byHash.invalidate(key.secretHash());
    key.previousSecretHash().ifPresent(byHash::invalidate);
    unknown.invalidate(key.secretHash());
    byId.invalidate(key.id());
  }
}
