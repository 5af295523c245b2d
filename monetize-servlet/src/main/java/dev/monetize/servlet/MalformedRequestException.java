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

  /**
   * {@code e} as the caller's mistake when the container failed to parse what was sent (its bad
   * message exceptions, an illegal argument such as a broken escape or charset); anything else, a
   * configuration error of the service for one, stays what it is (a 500).
   */
  static RuntimeException of(RuntimeException e) {
    if (e instanceof MalformedRequestException) {
      return e;
    }
    boolean parse = e instanceof IllegalArgumentException || e.getClass().getSimpleName().contains("BadMessage");
    return parse ? new MalformedRequestException(e) : e;
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
