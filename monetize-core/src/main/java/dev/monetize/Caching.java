package dev.monetize;

import dev.monetize.cache.CacheKey;
import dev.monetize.cache.CacheStatistics;
import dev.monetize.cache.CachedResponse;
import dev.monetize.cache.ResponseCache;
import dev.monetize.cache.internal.Flights;
import dev.monetize.plans.CachePolicy;
import dev.monetize.plans.Operation;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The response cache as the pipeline uses it: keys per tenant, single flight, tag invalidation, counters per operation. */
final class Caching implements dev.monetize.cache.CacheService {
  private final ResponseCache store;
  private final Flights flights = new Flights();
  private final dev.monetize.cache.internal.KeyMemo keys = new dev.monetize.cache.internal.KeyMemo(10_000);
  private final TimeSource time;
  private final ConcurrentHashMap<String, Counters> byOperation = new ConcurrentHashMap<>();

  /** One operation's counters. */
  static final class Counters {
    final LongAdder hits = new LongAdder();
    final LongAdder misses = new LongAdder();
    final LongAdder staleServes = new LongAdder();
    final LongAdder stores = new LongAdder();
    final LongAdder evictions = new LongAdder();
    final LongAdder bytesServed = new LongAdder();
    final LongAdder bytesStored = new LongAdder();

    CacheStatistics snapshot() {
      return new CacheStatistics(hits.sum(), misses.sum(), staleServes.sum(), stores.sum(), evictions.sum(),
          bytesServed.sum(), bytesStored.sum());
    }
  }

  private final boolean compression;

  /** Whether Spring Security's blanket cache headers are no mark of one caller's answer ({@link dev.monetize.cache.PrivateAnswers}). */
  final boolean springSecurityCacheHeaders;

  Caching(ResponseCache store, TimeSource time, boolean compression, boolean springSecurityCacheHeaders) {
    this.store = store;
    this.time = time;
    this.compression = compression;
    this.springSecurityCacheHeaders = springSecurityCacheHeaders;
    store.onEviction(e -> counted(e.operation()).evictions.increment());
  }

  /**
   * The lookup of an admitted request; a shed one ({@code shed}) is only served what the cache holds.
   * Keyed by the request's {@code origin} too (a line feed when it sent none) unless it is
   * {@code null}: then an answer that varies by {@code Origin} is not stored.
   */
  CacheLookup lookup(Operation operation, Principal caller, ApiRequest request, String rawQuery, String accept,
      String acceptEncoding, String origin, boolean shed) {
    CachePolicy policy = operation.cache().orElseThrow();
    String op = operation.id();
    String key = keys.key(store, caller.customerId(), op, request.method(), request.path(),
        rawQuery, accept, origin, policy.tags(), policy.queryParameters());
    String encodings = compression ? acceptEncoding : null; // without compression every client takes the body
    String engineLink = Versions.link(operation).orElse("");
    if (shed) {
      return CacheLookup.shed(this, policy, op, key, encodings).engineLink(engineLink) // counted once its limits admit it
          .byOrigin(origin != null);
    }
    return count(CacheLookup.of(this, policy, op, key, encodings, "HEAD".equalsIgnoreCase(request.method())))
        .engineLink(engineLink).byOrigin(origin != null);
  }

  /** Counts what the lookup found: a hit, a stale serve, or a miss. */
  CacheLookup count(CacheLookup lookup) {
    Counters c = counted(lookup.operation());
    if (lookup.hit().isEmpty()) {
      c.misses.increment();
    } else if (lookup.servesStale()) {
      c.staleServes.increment();
    } else {
      c.hits.increment();
    }
    return lookup;
  }

  /** A stale serve that became an in-line refresh: a miss. */
  void recount(String operation) {
    Counters c = counted(operation);
    c.staleServes.decrement();
    c.misses.increment();
  }

  Counters counted(String operation) {
    Counters c = byOperation.get(operation);
    return c != null ? c : byOperation.computeIfAbsent(operation, o -> new Counters());
  }

  /** Stores {@code r} for as long as the policy may serve it, fresh or stale. */
  void put(String key, CachedResponse r, CachePolicy policy) {
    store.put(key, r, policy.retention());
    Counters c = counted(r.operation());
    c.stores.increment();
    c.bytesStored.add(r.weight());
  }

  /** Counts the body bytes a request served from the cache sent. */
  void served(String operation, long bytes) {
    counted(operation).bytesServed.add(bytes);
  }

  Instant now() {
    return time.now();
  }

  /** How old {@code r} is by this engine's clock (never negative: clocks of nodes differ a little). */
  long ageMillis(CachedResponse r) {
    return Math.max(0, time.epochNanos() / 1_000_000 - r.storedAt().toEpochMilli());
  }

  Flights flights() {
    return flights;
  }

  ResponseCache store() {
    return store;
  }

  private CacheStatistics total() {
    CacheStatistics t = CacheStatistics.NONE;
    for (Counters c : byOperation.values()) {
      t = t.plus(c.snapshot());
    }
    return t;
  }

  long hits() {
    CacheStatistics t = total();
    return t.hits() + t.staleServes();
  }

  long misses() {
    return total().misses();
  }

  long stores() {
    return total().stores();
  }

  @Override
  public Map<String, CacheStatistics> statistics() {
    Map<String, CacheStatistics> m = new TreeMap<>();
    byOperation.forEach((op, c) -> m.put(op, c.snapshot()));
    return java.util.Collections.unmodifiableMap(m);
  }

  @Override
  public void invalidate(String tenant, String tag) {
    if (!dev.monetize.plans.Customer.validId(tenant)) {
      throw new IllegalArgumentException("not a customer id: " + tenant);
    }
    store.invalidate(CacheKey.generationName(tenant, tag));
  }

  @Override
  public void invalidateForEveryone(String tag) {
    store.invalidate(CacheKey.generationName(CacheKey.EVERYONE, tag));
  }
}
