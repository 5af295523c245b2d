package dev.monetize.examples.analytics.domain;

/**
 * Input the service cannot use: the message says what is wrong and where, {@link #hint()} says how
 * to fix it. The web layer answers it with a 400 problem.
 */
public final class BadInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String hint;

  /** A refusal with a detail and a hint. */
  public BadInputException(String detail, String hint) {
    super(detail, null, false, false);
    this.hint = hint;
  }

  /** How to fix it. */
  public String hint() {
    return hint;
  }
}
