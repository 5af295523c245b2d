package dev.monetize.http;

import java.io.IOException;
import java.util.Optional;

/**
 * Thrown to the endpoint by the adapters' request body stream when it would read past the
 * operation's body limit ({@code Operation.maxBodyBytes}); the adapter answers {@code 413
 * payload_too_large} whatever the endpoint did with it (rethrown, wrapped or not).
 *
 * <pre>{@code
 * catch (IOException e) { if (BodyTooLargeException.in(e).isPresent()) { ... } }
 * }</pre>
 */
public final class BodyTooLargeException extends IOException {
  private static final long serialVersionUID = 1L;
  private final long limit;

  /** The body went past {@code limit} bytes. */
  public BodyTooLargeException(long limit) {
    super("the request body is larger than " + limit + " bytes, the most this operation takes", null);
    this.limit = limit;
  }

  /** The limit it went past, in bytes. */
  public long limit() {
    return limit;
  }

  /** This exception in {@code t}'s cause chain, if there (the endpoint or the runtime may have wrapped it). */
  public static Optional<BodyTooLargeException> in(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof BodyTooLargeException b) {
        return Optional.of(b);
      }
    }
    return Optional.empty();
  }

  /** The problem detail for a body over {@code limit} bytes. */
  public static String detail(long limit) {
    return "The body is larger than " + limit + " bytes, the most this operation takes.";
  }
}
