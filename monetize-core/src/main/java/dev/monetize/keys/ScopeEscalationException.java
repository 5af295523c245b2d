package dev.monetize.keys;

/**
 * A key, project or token would hold a scope (or a limit) its parent lacks. Answered as
 * {@code 403 scope_escalation}; the message names what was not covered and is safe to show.
 */
public final class ScopeEscalationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** With a caller-safe message. */
  public ScopeEscalationException(String message) {
    super(message, null, false, false);
  }
}
