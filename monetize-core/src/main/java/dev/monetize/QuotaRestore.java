package dev.monetize;

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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the quotas counted in this process's memory back what they had counted before a restart,
 * from the usage ledger: a quota's cell, the first time a call meets it in a window that began
 * before the engine started, is raised to the units of that window's calls the ledger holds (each
 * call weighted by its operation's cost, as admission charges it). Raising, never adding, so a
 * cell restored twice, or after this process counted calls, never counts a call twice; a call the
 * ledger does not have yet (in flight, or past the journal's last delivery) is not counted again.
 *
 * <p>Once per cell: later calls look the key up in a map, and the calls of a customer whose
 * limits are all its own skip even that once they are restored. Once every window that held the
 * start has ended (32 days at most), nothing is looked up any more and the map is dropped.
 */
final class QuotaRestore {
  private static final Logger LOG = LoggerFactory.getLogger(QuotaRestore.class);
  /** Longer than any quota window (a billing month, in any time zone). */
  private static final long LONGEST_WINDOW_NANOS = Duration.ofDays(32).toNanos();

  /**
   * What one quota counts: every call of the customer, or those of one key and, or, one operation
   * (either null for any).
   */
  record Scope(String keyIdOrNull, String operationIdOrNull) {
    static final Scope CUSTOMER = new Scope(null, null);

    boolean counts(String keyId, String operationId) {
      return (keyIdOrNull == null || keyIdOrNull.equals(keyId))
          && (operationIdOrNull == null || operationIdOrNull.equals(operationId));
    }
  }

  private final Catalog catalog;
  private final Supplier<UsageTotals> ledger;
  private final RestorableQuotas store;
  private final long startedAt;
  private final long lastWindowEnd;
  /** Per cell key: its restore, done or under way (single flight: the other calls wait for it). */
  private volatile ConcurrentHashMap<String, CompletableFuture<Void>> cells = new ConcurrentHashMap<>();
  private volatile boolean warnedOfKeys;

  /**
   * @param ledger the usage ledger, after what a previous run left in the journal was delivered
   * @param startedAt when the engine started, epoch nanoseconds
   */
  QuotaRestore(Catalog catalog, Supplier<UsageTotals> ledger, RestorableQuotas store, long startedAt) {
    this.catalog = catalog;
    this.ledger = ledger;
    this.store = store;
    this.startedAt = startedAt;
    this.lastWindowEnd = startedAt + LONGEST_WINDOW_NANOS;
  }

  /** Until when (epoch nanoseconds) calls of {@code quota} may meet a window that began before the start. */
  long until(QuotaPolicy quota) {
    return quota.windowEnd(startedAt);
  }

  /**
   * Restores each quota of {@code requests} not restored yet whose window holds the start.
   *
   * @param scopes what each request's quota counts; a request without one is left alone (a quota
   *     per address: the ledger does not know addresses)
   * @return whether every quota among {@code requests} is done with (restored, or its window began
   *     after the start)
   * @throws LimiterUnavailableException when the ledger cannot be read for a quota that fails closed
   */
  boolean restore(String customerId, List<LimitRequest> requests, java.util.function.Function<LimitRequest,
      Optional<Scope>> scopes, long now) {
    ConcurrentHashMap<String, CompletableFuture<Void>> done = cells;
    if (now >= lastWindowEnd) {
      if (done != null) {
        cells = null; // every window that held the start has ended
      }
      return true;
    }
    if (done == null) {
      return true;
    }
    boolean all = true;
    for (LimitRequest r : requests) {
      if (!(r.policy() instanceof QuotaPolicy q)) {
        continue;
      }
      CompletableFuture<Void> earlier = done.get(r.key());
      if (earlier != null && earlier.isDone() && !earlier.isCompletedExceptionally()) {
        continue;
      }
      Optional<Scope> scope = scopes.apply(r);
      if (scope.isEmpty()) {
        continue; // per address: nothing to read, and nothing kept (addresses are the caller's to choose)
      }
      if (now >= until(q)) {
        done.putIfAbsent(r.key(), CompletableFuture.completedFuture(null)); // counted here from its first call
        continue;
      }
      try {
        restoreCell(done, customerId, r, q, scope.get(), now);
      } catch (RuntimeException e) {
        all = false;
        if (r.onOutage() == StoreOutage.FAIL_CLOSED) {
          throw new LimiterUnavailableException("the usage ledger cannot be read to restore quota '" + q.name()
              + "' after the restart: " + e.getMessage(), e);
        }
        LOG.warn("quota '{}' of {} counts from this process's calls until the usage ledger can be read: {}",
            q.name(), customerId, e.toString());
      }
    }
    return all;
  }

  private void restoreCell(ConcurrentHashMap<String, CompletableFuture<Void>> done, String customerId,
      LimitRequest r, QuotaPolicy q, Scope scope, long now) {
    CompletableFuture<Void> mine = new CompletableFuture<>();
    while (true) {
      CompletableFuture<Void> theirs = done.putIfAbsent(r.key(), mine);
      if (theirs == null) {
        break;
      }
      if (theirs.isCompletedExceptionally()) { // an earlier attempt failed: this call tries again
        if (done.replace(r.key(), theirs, mine)) {
          break;
        }
        continue;
      }
      try {
        theirs.join(); // another call restores it: wait for it, and share its failure
        return;
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException re ? re : e;
      }
    }
    try {
      store.restoreAtLeast(r, units(customerId, q, scope, now), now);
      mine.complete(null);
    } catch (RuntimeException e) {
      mine.completeExceptionally(e); // left in the map: the next call finds it failed and tries again
      throw e;
    }
  }

  /** The units the ledger holds of {@code scope}'s calls in the window of {@code q} that holds {@code now}. */
  private long units(String customerId, QuotaPolicy q, Scope scope, long now) {
    Instant from = Instant.ofEpochSecond(0, q.windowStart(now));
    Instant to = Instant.ofEpochSecond(0, q.windowEnd(now));
    UsageTotals totals = ledger.get();
    Optional<Map<String, Map<String, Long>>> perKey = totals.callsPerKey(customerId, from, to);
    long units = 0;
    if (perKey.isPresent()) {
      for (Map.Entry<String, Map<String, Long>> key : perKey.get().entrySet()) {
        for (Map.Entry<String, Long> op : key.getValue().entrySet()) {
          if (scope.counts(key.getKey(), op.getKey())) {
            units = Math.addExact(units, Math.multiplyExact(op.getValue(), cost(op.getKey())));
          }
        }
      }
      return units;
    }
    if (scope.keyIdOrNull() != null) {
      if (!warnedOfKeys) {
        warnedOfKeys = true;
        LOG.warn("the usage ledger {} does not answer calls per key: quotas per key count from zero after a restart",
            totals.getClass().getName());
      }
      return 0;
    }
    for (Map.Entry<String, Long> op : totals.totals(customerId, from, to).byOperation().entrySet()) {
      if (scope.counts(null, op.getKey())) {
        units = Math.addExact(units, Math.multiplyExact(op.getValue(), cost(op.getKey())));
      }
    }
    return units;
  }

  /** What one call of {@code operationId} charges a quota (1 for an operation no longer served). */
  private long cost(String operationId) {
    return catalog.operation(operationId).map(Operation::cost).orElse(1L);
  }
}
