package dev.monetize.limits;

/**
 * A shared limiter store could not answer in time and at least one limit of the request fails
 * closed. The request is refused with {@code 503 store_unavailable}; no stack trace is captured
 * (it is a routine outcome under an outage, not a bug).
 */
public final class LimiterUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean wholeStore;

  /** An outage of the whole store, described by {@code message} (never including keys or secrets). */
  public LimiterUnavailableException(String message, Throwable cause) {
    this(message, cause, true);
  }

  /**
   * An outage described by {@code message}; {@code wholeStore} false when only the part of the store
   * that holds this request's keys failed (one node of a cluster, a slot in migration), so requests
   * of other customers should still try the store.
   */
  public LimiterUnavailableException(String message, Throwable cause, boolean wholeStore) {
    super(message, cause, false, false);
    this.wholeStore = wholeStore;
  }

  /** Whether the whole store failed, rather than the part that holds this request's keys. */
  public boolean wholeStore() {
    return wholeStore;
  }
}
