package dev.monetize.limits;

/**
 * A shared limiter store could not answer in time and at least one limit of the request fails
 * closed. The request is refused with {@code 503 store_unavailable}; no stack trace is captured
 * (it is a routine outcome under an outage, not a bug).
 */
public final class LimiterUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An outage described by {@code message} (never including keys or secrets). */
  public LimiterUnavailableException(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
