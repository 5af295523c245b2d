package dev.monetize.limits;

import dev.monetize.plans.StoreOutage;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Any shared {@link LimiterStore} with an outage policy: when the primary store throws
 * {@link LimiterUnavailableException}, each limit of the request follows its {@link StoreOutage}: a
 * request with a {@code FAIL_CLOSED} limit gets the exception (answered {@code 503
 * store_unavailable}); one whose limits all fail open is decided by the fallback store (usually
 * in-memory, in this JVM). After a failure the primary is left alone for the retry interval, then
 * tried again; recovery needs nothing else. Both transitions are logged once and counted. Credits
 * are never decided locally: money waits for the primary.
 *
 * <pre>{@code
 * LimiterStore store = FailoverLimiterStore.of("the Redis limiter store", redisScripts,
 *     LimiterStore.inMemory(), Duration.ofMillis(500));
 * }</pre>
 */
public final class FailoverLimiterStore implements LimiterStore {
  private static final Logger LOG = LoggerFactory.getLogger(FailoverLimiterStore.class);
  /** Marks the lease of a verdict the fallback gave, so that its release goes back to the fallback. */
  private static final String FALLBACK = "fallback:";

  private final String name;
  private final LimiterStore primary;
  private final LimiterStore fallback;
  private final long retryIntervalNanos;
  private final AtomicBoolean down = new AtomicBoolean();
  private final AtomicLong downSince = new AtomicLong();
  /**
   * When the primary was last known to have answered in time though a call gave up on it
   * ({@link #primaryAnswered}); a rest that begins up to {@link #ANSWER_GRACE_NANOS} after it is no rest:
   * the answer and the failure it belies race (the late reply is often read before the caller's
   * timeout reaches this store).
   */
  private final AtomicLong answeredAt = new AtomicLong(System.nanoTime() - Long.MAX_VALUE / 2);
  private static final long ANSWER_GRACE_NANOS = 100_000_000L;
  private final LongAdder outages = new LongAdder();
  private final LongAdder fallbackDecisions = new LongAdder();

  private final dev.monetize.internal.LogThrottle partialLog =
      new dev.monetize.internal.LogThrottle(java.time.Duration.ofMinutes(1));

  private FailoverLimiterStore(String name, LimiterStore primary, LimiterStore fallback, Duration retryInterval) {
    this.name = Objects.requireNonNull(name, "name");
    this.primary = Objects.requireNonNull(primary, "primary");
    this.fallback = Objects.requireNonNull(fallback, "fallback");
    if (retryInterval.isNegative()) {
      throw new IllegalArgumentException("the retry interval cannot be negative, got " + retryInterval);
    }
    this.retryIntervalNanos = retryInterval.toNanos();
  }

  /**
   * {@code primary} guarded by {@code fallback}.
   *
   * @param name how logs name the primary, e.g. "the Redis limiter store"
   * @param retryInterval how long the primary is left alone after a failure
   */
  public static FailoverLimiterStore of(String name, LimiterStore primary, LimiterStore fallback,
      Duration retryInterval) {
    return new FailoverLimiterStore(name, primary, fallback, retryInterval);
  }

  private boolean resting() {
    if (!down.get()) {
      return false;
    }
    long since = downSince.get();
    if (answeredAt.get() - since > -ANSWER_GRACE_NANOS) { // the primary answered just before (or after) it failed
      recovered();
      return false;
    }
    return System.nanoTime() - since < retryIntervalNanos;
  }

  @Override
  public LimitVerdict acquire(List<LimitRequest> requests, long nowEpochNanos) {
    if (resting()) {
      return outage(requests, nowEpochNanos, null);
    }
    LimitVerdict v;
    try {
      v = primary.acquire(requests, nowEpochNanos);
    } catch (LimiterUnavailableException e) {
      return outage(requests, nowEpochNanos, e);
    }
    recovered();
    return v;
  }

  @Override
  public List<PolicyState> peek(List<LimitRequest> requests, long nowEpochNanos) {
    if (resting()) {
      throw new LimiterUnavailableException(name + " is unreachable", null);
    }
    try {
      List<PolicyState> states = primary.peek(requests, nowEpochNanos);
      recovered();
      return states;
    } catch (LimiterUnavailableException e) {
      if (e.wholeStore()) {
        markDown(e);
      }
      throw e;
    }
  }

  @Override
  public void release(List<LimitRequest> requests, LimitVerdict verdict) {
    Optional<String> lease = verdict.lease();
    if (lease.isPresent() && lease.get().startsWith(FALLBACK)) {
      String own = lease.get().substring(FALLBACK.length());
      fallback.release(requests, new LimitVerdict(verdict.admitted(), verdict.policies(), verdict.retryAfterNanos(),
          verdict.exceeded(), own.isEmpty() ? Optional.empty() : Optional.of(own)));
      return;
    }
    primary.release(requests, verdict);
  }

  @Override
  public CreditEntry applyCredits(String key, String entryId, long delta) {
    try {
      CreditEntry entry = primary.applyCredits(key, entryId, delta);
      recovered();
      return entry;
    } catch (LimiterUnavailableException e) {
      outages.increment();
      throw e;
    }
  }

  @Override
  public long credits(String key) {
    try {
      long balance = primary.credits(key);
      recovered();
      return balance;
    } catch (LimiterUnavailableException e) {
      outages.increment();
      throw e;
    }
  }

  /** Decides locally when every limit fails open, else refuses. */
  private LimitVerdict outage(List<LimitRequest> requests, long now, LimiterUnavailableException cause) {
    outages.increment();
    if (cause != null && cause.wholeStore()) {
      markDown(cause);
    } else if (cause != null) {
      partial(cause);
    }
    for (LimitRequest r : requests) {
      if (r.onOutage() == StoreOutage.FAIL_CLOSED) {
        throw cause != null ? cause : new LimiterUnavailableException(name + " is unreachable", null);
      }
    }
    fallbackDecisions.increment();
    LimitVerdict v = fallback.acquire(requests, now);
    return new LimitVerdict(v.admitted(), v.policies(), v.retryAfterNanos(), v.exceeded(),
        Optional.of(FALLBACK + v.lease().orElse("")));
  }

  /** One part of the store failed (a cluster node): this request only; said at most once a minute. */
  private void partial(LimiterUnavailableException cause) {
    if (partialLog.due()) {
      LOG.warn("part of {} is unreachable ({}); the requests whose keys it holds are decided as in an outage, "
          + "the others still use it ({} more such requests since; said once a minute)", name,
          cause.getCause() != null ? cause.getCause().getMessage() : cause.getMessage(), partialLog.heldBack());
    }
  }

  private void markDown(LimiterUnavailableException cause) {
    downSince.set(System.nanoTime());
    if (down.compareAndSet(false, true)) {
      LOG.warn("{} is unreachable ({}); limits that fail open are decided in this JVM, limits that fail closed "
          + "are refused with 503 until it answers again", name,
          cause.getCause() != null ? cause.getCause().getMessage() : cause.getMessage());
    }
  }

  private void recovered() {
    if (down.compareAndSet(true, false)) {
      LOG.info("{} answers again; limits are shared across JVMs again", name);
    }
  }

  /**
   * Tells the store its primary is well, though a call timed out: a reply that came late showed the
   * primary answered in time, the delay being the caller's (a pause of its JVM). Ends the rest the
   * timeout began, so calls go to the primary again at once instead of failing over for the retry
   * interval.
   */
  public void primaryAnswered() {
    answeredAt.set(System.nanoTime());
    recovered();
  }

  /** Calls that found the primary unreachable (or skipped it while it was). */
  public long outages() {
    return outages.sum();
  }

  /** Requests decided by the fallback because the primary was unreachable. */
  public long fallbackDecisions() {
    return fallbackDecisions.sum();
  }

  /** The fallback's decisions, with what the primary counts of its own (its late charges). */
  @Override
  public StoreCounters counters() {
    StoreCounters p = primary.counters();
    return new StoreCounters(fallbackDecisions.sum() + p.fallbackDecisions(), p.lateChargesReturned(),
        p.lateChargesStanding());
  }

  /** Whether the primary is currently considered unreachable. */
  public boolean unreachable() {
    return down.get();
  }
}
