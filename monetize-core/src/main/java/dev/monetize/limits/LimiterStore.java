package dev.monetize.limits;

import java.util.List;

/**
 * Holds limiter state and applies checks. The contract that every implementation meets:
 * <ul>
 *   <li>all limits of one call are checked and charged atomically: either all admit and all are
 *       charged, or nothing is charged;</li>
 *   <li>exact under concurrency: a quota of N admits exactly N units in its window, whatever the
 *       number of threads or processes;</li>
 *   <li>state that can no longer affect a decision (an idle key) is eventually forgotten.</li>
 * </ul>
 * A key holds the state of one kind of limit (a rate, a quota, requests in flight or a credit
 * balance): the engine names each key after its limit. The in-memory store refuses a key used for
 * another kind than the one it holds ({@link IllegalArgumentException}); Redis answers such a key
 * with a type error.
 * {@link #inMemory()} is the in-JVM default; distributed stores may use their own clock instead
 * of {@code nowEpochNanos} so that the clocks of several JVMs never matter. A distributed store
 * that cannot answer throws {@link LimiterUnavailableException} for requests that fail closed.
 */
public interface LimiterStore {
  /**
   * Checks and, if all admit, charges every request.
   *
   * @param requests the limits of one call, at least one
   * @param nowEpochNanos the current time, nanoseconds since the epoch
   */
  LimitVerdict acquire(List<LimitRequest> requests, long nowEpochNanos);

  /**
   * Checks and, if admitted, charges one limit, and says only whether it was admitted: for callers
   * that send no headers (a limit around an outbound call, a job queue). Same contract as
   * {@link #acquire}; the in-memory store answers a rate without a lock and without allocating.
   *
   * @param request the limit
   * @param nowEpochNanos the current time, nanoseconds since the epoch
   */
  default boolean tryAcquire(LimitRequest request, long nowEpochNanos) {
    return acquire(List.of(request), nowEpochNanos).admitted();
  }

  /**
   * The state of each limit now, without charging anything (for usage reports): remaining units
   * and time to reset, as an admitted call would have seen them before being charged.
   */
  List<PolicyState> peek(List<LimitRequest> requests, long nowEpochNanos);

  /**
   * Frees the concurrency slots an admitted {@code verdict} of {@link #acquire} took. Called once
   * per admitted request when it completes, whatever the outcome; a no-op when no
   * {@link ConcurrencyPolicy} was among the requests.
   */
  void release(List<LimitRequest> requests, LimitVerdict verdict);

  /**
   * Adds {@code delta} (negative to deduct) to a credit balance once per {@code entryId}, in
   * micro-units, atomically: an entry id applied before moves nothing and answers with the delta
   * it was applied with and the balance right after it (so a retried top-up credits once, on any
   * number of nodes), and a delta that would take the balance below zero moves nothing. Balances
   * and entry ids never expire.
   */
  CreditEntry applyCredits(String key, String entryId, long delta);

  /** The credit balance in micro-units (0 when there is none). */
  long credits(String key);

  /**
   * What this store counts of its own work (fallback decisions, late charges given back or left
   * standing); {@link StoreCounters#NONE} unless it keeps such counts. A store that wraps another
   * adds the other's counts to its own.
   */
  default StoreCounters counters() {
    return StoreCounters.NONE;
  }

  /** A new in-memory store. */
  static LimiterStore inMemory() {
    return new InMemoryLimiterStore();
  }
}
