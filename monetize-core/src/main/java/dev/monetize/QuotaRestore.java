package dev.monetize;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.monetize.keys.ApiKey;
import dev.monetize.keys.KeyStore;
import dev.monetize.limits.LimitRequest;
import dev.monetize.limits.LimiterUnavailableException;
import dev.monetize.limits.QuotaPolicy;
import dev.monetize.limits.internal.RestorableQuotas;
import dev.monetize.metering.UsageTotals;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Operation;
import dev.monetize.plans.StoreOutage;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the quotas counted in this process's memory what earlier runs counted, from the usage
 * ledger: a quota's cell, the first time a call meets it in a window that began before the engine
 * started, gets the calls of that window that the ledger holds from before the start (each weighted
 * by its operation's cost, as admission charges it). This process's own calls are in the cell and
 * in records that start after it started, so the two parts never overlap; each cell is restored
 * once (a map of cell keys, single flight), so none is counted twice.
 *
 * <p>A quota per address is not restored (the ledger does not know addresses). A key whose own
 * limit the operator raised above the plan is charged to its own cell only, so its calls are left
 * out of its organization's. Until every window that held the start has ended (32 days at most),
 * the calls of a customer with only its own limits check one flag once restored, others look their
 * cells up in the map; then the map is dropped.
 */
final class QuotaRestore {
  private static final Logger LOG = LoggerFactory.getLogger(QuotaRestore.class);
  /** Longer than any quota window (a billing month, in any time zone). */
  private static final long LONGEST_WINDOW_NANOS = Duration.ofDays(32).toNanos();
  /** After a failed read, restores fail at once for this long, so an outage is not queried per call. */
  private static final long FAIL_FAST_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** How long a call waits for another call's restore of the same cell (then refused as in an outage). */
  private static final long WAIT_MILLIS = 250;
  /**
   * A restore under way this long (on the engine's clock) is taken as stuck (a read on a connection
   * that died without a word): the next call starts another, and the stuck one, should it ever end,
   * adds nothing.
   */
  private static final long STUCK_NANOS = TimeUnit.SECONDS.toNanos(20);
  private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final CompletableFuture<Void> DONE = new Attempt(Long.MIN_VALUE);

  static {
    DONE.complete(null);
  }

  /** The calls of one customer per key and operation; {@code perKey} false when the ledger gave them per operation only. */
  private record Calls(Map<String, Map<String, Long>> byKey, boolean perKey) {}

  private record Read(String customerId, Instant from, Instant to) {}

  /** One restore of a cell, under way or ended, and when it began on the engine's clock. */
  private static final class Attempt extends CompletableFuture<Void> {
    final long began;

    Attempt(long began) {
      this.began = began;
    }
  }

  private final Catalog catalog;
  private final Supplier<UsageTotals> ledger;
  private final KeyStore keys;
  private final RestorableQuotas store;
  private final long startedAt;
  private final Instant start;
  private final long lastWindowEnd;
  /** Per cell key: its restore, done or under way; null once every window that held the start has ended. */
  private volatile ConcurrentHashMap<String, CompletableFuture<Void>> cells = new ConcurrentHashMap<>();
  /** One read per customer and window for all its cells (quotas per key and per operation share it). */
  private final Cache<Read, Calls> reads = Caffeine.newBuilder().maximumSize(10_000)
      .expireAfterWrite(Duration.ofMinutes(1)).build();
  /** Per customer: the keys whose raised limits replace their organization's, by policy name and value. */
  private final Cache<String, Map<String, Map<String, Long>>> raised = Caffeine.newBuilder().maximumSize(10_000)
      .expireAfterWrite(Duration.ofMinutes(1)).build();
  /** The engine's clock, epoch nanoseconds. */
  private final java.util.function.LongSupplier clock;
  /** Per customer whose last restore failed: until when (the engine's clock) its restores fail at once. */
  private final ConcurrentHashMap<String, Long> pausedUntil = new ConcurrentHashMap<>();
  private volatile long lastWarning;
  private volatile boolean warnedOfKeys;

  /**
   * @param ledger the usage ledger, once what a previous run left in the journal was delivered
   * @param clock the engine's clock, epoch nanoseconds; read now for the start: records that start
   *     before it are earlier runs' calls
   */
  QuotaRestore(Catalog catalog, Supplier<UsageTotals> ledger, KeyStore keys, RestorableQuotas store,
      java.util.function.LongSupplier clock) {
    long startedAt = clock.getAsLong();
    this.clock = clock;
    this.lastWarning = startedAt - WARN_EVERY_NANOS;
    this.catalog = catalog;
    this.ledger = ledger;
    this.keys = keys;
    this.store = store;
    this.startedAt = startedAt;
    this.start = Instant.ofEpochSecond(0, startedAt);
    this.lastWindowEnd = startedAt + LONGEST_WINDOW_NANOS;
  }

  /**
   * The restore for the engine {@code b} builds: when its quotas are counted in this process's
   * memory beside a usage ledger that outlives it. Null otherwise (in Redis they survive; without a
   * ledger nothing does).
   *
   * @param recovered the ledger, once the journal's leftovers are delivered (read on the first restore)
   */
  static QuotaRestore of(MonetizeBuilder b, Supplier<UsageTotals> recovered) {
    dev.monetize.limits.LimiterStore counting = b.limiterStore instanceof dev.monetize.limits.CreditsApart apart
        ? apart.limits() : b.limiterStore;
    if (b.usageSink instanceof UsageTotals && counting instanceof RestorableQuotas quotas) {
      return new QuotaRestore(b.catalog, recovered, b.keyStore, quotas, b.timeSource::epochNanos);
    }
    return null;
  }

  /** Until when (epoch nanoseconds) calls of {@code quota} may meet a window that began before the start. */
  long until(QuotaPolicy quota) {
    return quota.windowEnd(startedAt);
  }

  /** Drops what it keeps once every window that held the start has ended (off the request path). */
  void release(long now) {
    if (now >= lastWindowEnd && cells != null) {
      cells = null;
      pausedUntil.clear();
      reads.invalidateAll();
      raised.invalidateAll();
    }
  }

  /**
   * Whether every quota of {@code requests} is restored, without allocating: those named in
   * {@code perAddress} are never restored and do not count.
   */
  boolean done(List<LimitRequest> requests, Set<String> perAddress) {
    ConcurrentHashMap<String, CompletableFuture<Void>> map = cells;
    if (map == null) {
      return true;
    }
    for (int i = 0; i < requests.size(); i++) {
      LimitRequest r = requests.get(i);
      if (r.policy() instanceof QuotaPolicy && !perAddress.contains(r.policy().name())
          && map.get(r.key()) != DONE) {
        return false;
      }
    }
    return true;
  }

  /** Now on the engine's clock (a restore may have waited on the ledger: what follows it reads this). */
  long now() {
    return clock.getAsLong();
  }

  /**
   * Restores each quota of {@code requests} not restored yet whose window holds the start.
   *
   * @param scopes what each request's quota counts; empty for a quota that is not restored (per address)
   * @return whether every restorable quota among {@code requests} is restored
   * @throws LimiterUnavailableException when the ledger cannot be read for a quota that fails closed
   */
  boolean restore(String customerId, List<LimitRequest> requests, Set<String> perAddress,
      Function<LimitRequest, Optional<QuotaScope>> scopes, long now) {
    ConcurrentHashMap<String, CompletableFuture<Void>> map = cells;
    if (map == null) {
      return true;
    }
    boolean all = true;
    for (LimitRequest r : requests) {
      if (!(r.policy() instanceof QuotaPolicy q) || perAddress.contains(q.name()) || map.get(r.key()) == DONE) {
        continue; // per address: nothing to read, and nothing kept (addresses are the caller's to choose)
      }
      if (now >= until(q)) {
        map.put(r.key(), DONE); // its window began after the start (or one that failed has ended): counted here
        continue;
      }
      Optional<QuotaScope> scope = scopes.apply(r);
      if (scope.isEmpty()) {
        continue; // a key it does not know: left alone
      }
      try {
        restoreCell(map, customerId, r, q, scope.get(), now);
      } catch (RuntimeException | LinkageError e) {
        all = false;
        if (r.onOutage() == StoreOutage.FAIL_CLOSED) {
          throw new LimiterUnavailableException("quota '" + q.name() + "' cannot be restored after the restart: "
              + e, e);
        }
        if (now - lastWarning >= WARN_EVERY_NANOS) {
          lastWarning = now;
          LOG.warn("quota '{}' of {} counts this process's calls only until it can be restored: {}", q.name(),
              customerId, e.toString());
        }
      }
    }
    return all;
  }

  private void restoreCell(ConcurrentHashMap<String, CompletableFuture<Void>> map, String customerId,
      LimitRequest r, QuotaPolicy q, QuotaScope scope, long now) {
    Long paused = pausedUntil.get(customerId);
    if (paused != null && now < paused) {
      throw new IllegalStateException("its usage could not be read less than a second ago");
    }
    Attempt mine = new Attempt(clock.getAsLong());
    while (true) {
      CompletableFuture<Void> theirs = map.putIfAbsent(r.key(), mine);
      if (theirs == null) {
        break;
      }
      if (theirs == DONE) {
        return;
      }
      if (theirs.isCompletedExceptionally() || clock.getAsLong() - ((Attempt) theirs).began > STUCK_NANOS) {
        if (supersede(map, r.key(), (Attempt) theirs, mine)) { // failed, or stuck: this call tries again
          break;
        }
        continue;
      }
      await(theirs, q); // another call restores it
      return;
    }
    boolean superseded;
    try {
      long units = units(customerId, q, scope, now);
      synchronized (mine) { // a stuck attempt superseded meanwhile adds nothing: the one after it does
        superseded = map.get(r.key()) != mine;
        if (!superseded) {
          store.restore(r, units, now);
          map.put(r.key(), DONE); // restored: never again (the shared marker {@link #done} compares with)
        }
      }
    } catch (RuntimeException | Error e) {
      if (map.get(r.key()) == mine) { // a stuck attempt taken over fails without pausing the customer
        pausedUntil.put(customerId, clock.getAsLong() + FAIL_FAST_NANOS); // a second from the failure, however slow
      }
      mine.completeExceptionally(e); // left in the map: a later call finds it failed and tries again
      throw e;
    }
    if (superseded) {
      mine.completeExceptionally(new IllegalStateException("restored by a later attempt"));
      if (map.get(r.key()) == DONE) {
        return; // restored by the one that took over (or its window ended): the call goes on
      }
      throw new IllegalStateException("its restore took so long that another took over");
    }
    mine.complete(null);
    pausedUntil.remove(customerId);
  }

  /** Replaces {@code stale} with {@code mine} unless it has applied its restore meanwhile. */
  private static boolean supersede(ConcurrentHashMap<String, CompletableFuture<Void>> map, String key, Attempt stale,
      Attempt mine) {
    synchronized (stale) {
      return map.replace(key, stale, mine);
    }
  }

  private static void await(CompletableFuture<Void> restore, QuotaPolicy q) {
    try {
      restore.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("quota '" + q.name() + "' is being restored by another call");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while quota '" + q.name() + "' was restored");
    }
  }

  /** The units earlier runs used of {@code scope}'s calls in the window of {@code q} that holds {@code now}. */
  private long units(String customerId, QuotaPolicy q, QuotaScope scope, long now) {
    Instant from = Instant.ofEpochSecond(0, q.windowStart(now));
    Instant end = Instant.ofEpochSecond(0, q.windowEnd(now));
    Instant to = end.isBefore(start) ? end : start;
    if (!from.isBefore(to)) {
      return 0;
    }
    Read asked = new Read(customerId, from, to);
    Calls calls = reads.getIfPresent(asked);
    if (calls == null) { // read outside the cache's lock: a slow ledger holds no other customer up
      calls = read(asked);
      reads.put(asked, calls);
    }
    if (!calls.perKey() && scope.keyIdOrNull() != null) {
      if (!warnedOfKeys) {
        warnedOfKeys = true;
        LOG.warn("the usage ledger does not answer calls per key: quotas per key, and keys' own limits, count from "
            + "zero after a restart");
      }
      return 0;
    }
    Map<String, Long> apart = scope.keyIdOrNull() == null ? raisedKeys(customerId).getOrDefault(q.name(), Map.of())
        : Map.of();
    if (!calls.perKey() && apart.values().stream().anyMatch(v -> v > q.limit())) {
      if (!warnedOfKeys) {
        warnedOfKeys = true;
        LOG.warn("the usage ledger does not answer calls per key: quota '{}' of {}, which keys with raised limits "
            + "do not count against, counts from zero after a restart", q.name(), customerId);
      }
      return 0; // the raised keys' calls cannot be told apart: left out rather than counted against the others
    }
    long units = 0;
    for (Map.Entry<String, Map<String, Long>> key : calls.byKey().entrySet()) {
      Long own = apart.get(key.getKey());
      if (own != null && own > q.limit()) {
        continue; // a raised limit in place of the organization's: charged to the key's own cell only
      }
      for (Map.Entry<String, Long> op : key.getValue().entrySet()) {
        if (scope.counts(calls.perKey() ? key.getKey() : null, op.getKey())) {
          units = saturated(units, op.getValue(), cost(op.getKey()));
        }
      }
    }
    return units;
  }

  /** {@code sum + calls * cost}, at most {@link Long#MAX_VALUE} (a quota that large is used up anyway). */
  private static long saturated(long sum, long calls, long cost) {
    long product = Math.multiplyHigh(calls, cost) != 0 || calls * cost < 0 ? Long.MAX_VALUE : calls * cost;
    return sum > Long.MAX_VALUE - product ? Long.MAX_VALUE : sum + product;
  }

  private Calls read(Read r) {
    UsageTotals totals = ledger.get();
    Optional<Map<String, Map<String, Long>>> perKey = totals.callsPerKey(r.customerId(), r.from(), r.to());
    if (perKey.isPresent()) {
      return new Calls(perKey.get(), true);
    }
    return new Calls(Map.of("", totals.totals(r.customerId(), r.from(), r.to()).byOperation()), false);
  }

  /** The customer's keys with limits raised above the plan, by policy: key id to the raised value. */
  private Map<String, Map<String, Long>> raisedKeys(String customerId) {
    Map<String, Map<String, Long>> known = raised.getIfPresent(customerId);
    if (known == null) { // listed outside the cache's lock
      known = listRaisedKeys(customerId);
      raised.put(customerId, known);
    }
    return known;
  }

  private Map<String, Map<String, Long>> listRaisedKeys(String customerId) {
    Map<String, Map<String, Long>> byPolicy = new HashMap<>();
    Optional<String> after = Optional.empty();
    while (true) {
      List<ApiKey> page = keys.list(customerId, Optional.empty(), after, 1_000);
      for (ApiKey k : page) {
        for (String name : k.raisedLimits()) {
          Long value = k.limitOverrides().get(name);
          if (value != null) {
            byPolicy.computeIfAbsent(name, n -> new HashMap<>()).put(k.id(), value);
          }
        }
      }
      if (page.size() < 1_000) {
        return byPolicy;
      }
      after = Optional.of(page.get(page.size() - 1).id());
    }
  }

  /** What one call of {@code operationId} charges a quota (1 for an operation no longer served). */
  private long cost(String operationId) {
    return catalog.operation(operationId).map(Operation::cost).orElse(1L);
  }
}
