package dev.monetize.examples.analytics;

import dev.monetize.Monetize;
import dev.monetize.errors.ErrorCode;
import dev.monetize.errors.Problem;
import dev.monetize.examples.analytics.domain.StoreUnavailableException;

/**
 * The answer every adapter of the example gives when its event store cannot be reached: {@code 503
 * store_unavailable} with {@code Retry-After} (the header is the adapter's to set, with
 * {@link #RETRY_AFTER}), never a 500. Not 2xx, so it is not billed; the response cache serves a
 * stale answer instead where the operation allows {@code stale-if-error}.
 */
public final class StoreOutage {
  /** The {@code Retry-After} value, in seconds. */
  public static final String RETRY_AFTER = String.valueOf(StoreUnavailableException.RETRY_AFTER_SECONDS);

  private StoreOutage() {}

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StoreOutage.class);
  private static final long LOG_EVERY_NANOS = 10_000_000_000L;
  private static final java.util.concurrent.atomic.AtomicLong LOGGED =
      new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);
  private static final java.util.concurrent.atomic.LongAdder SINCE = new java.util.concurrent.atomic.LongAdder();

  /** The problem of {@code e} for the request {@code requestId}; the outage is logged once every 10 s with its cause. */
  public static Problem problem(Monetize monetize, StoreUnavailableException e, String requestId) {
    long now = System.nanoTime();
    long last = LOGGED.get();
    if (now - last >= LOG_EVERY_NANOS && LOGGED.compareAndSet(last, now)) {
      LOG.warn("the event store is unavailable (request {}, {} more since; said once every 10 s): {}", requestId,
          SINCE.sumThenReset(), e.getMessage(), e.getCause());
    } else {
      SINCE.increment();
    }
    return monetize.problem(ErrorCode.STORE_UNAVAILABLE, e.getMessage(), requestId)
        .withHint("Retry after the number of seconds in Retry-After: the analytics store is failing over or "
            + "in maintenance.")
        .with("retry_after", StoreUnavailableException.RETRY_AFTER_SECONDS);
  }
}
