package dev.monetize.billing;

/**
 * A wallet entry that cannot be applied: its id was used for a different amount, or it would take
 * the balance below zero. Nothing moved.
 */
public final class WalletEntryRefusedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** Why. */
  public enum Reason {
    /** The entry id was applied before with another amount ({@code 409 idempotency_conflict}). */
    IDEMPOTENCY_CONFLICT,
    /** The deduction is larger than the balance ({@code 409 insufficient_credits}). */
    INSUFFICIENT_CREDITS
  }

  private final Reason reason;

  /** A refusal for {@code reason}, with a message for the operator. */
  public WalletEntryRefusedException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** Why the entry was refused. */
  public Reason reason() {
    return reason;
  }
}
