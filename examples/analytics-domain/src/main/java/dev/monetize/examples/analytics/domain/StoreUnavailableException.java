package dev.monetize.examples.analytics.domain;

/**
 * The event store cannot be reached right now (a failover, a maintenance window, a network cut):
 * nothing was stored or read, and the same request may succeed later. The web layer answers it with
 * a 503 {@code store_unavailable} problem and {@code Retry-After}; an answer that is not 2xx is not
 * billed. The message is for the caller: it names no SQL, host or value of the request.
 */
public final class StoreUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  /** Seconds a client is asked to wait before it retries. */
  public static final int RETRY_AFTER_SECONDS = 5;

  /** A store outage, said for the caller; {@code cause} is kept for the logs only. */
  public StoreUnavailableException(String detail, Throwable cause) {
    super(detail, cause);
  }

  /** A store outage without an underlying exception (reads suspended on purpose). */
  public StoreUnavailableException(String detail) {
    super(detail);
  }
}
