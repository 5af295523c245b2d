package dev.monetize.servlet;

/**
 * The container could not parse what the request sent (a broken form body, an unparsable
 * {@code Content-Type}) while the endpoint asked for its parameters or parts: the filter answers
 * {@code 400 bad_request}, not {@code 500}.
 */
final class MalformedRequestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private MalformedRequestException(RuntimeException cause) {
    super("the container could not parse the request", cause, false, false);
  }

  static RuntimeException of(RuntimeException e) {
    return e instanceof MalformedRequestException ? e : new MalformedRequestException(e);
  }

  /** This exception in {@code t}'s cause chain, if there. */
  static boolean in(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof MalformedRequestException) {
        return true;
      }
    }
    return false;
  }
}
