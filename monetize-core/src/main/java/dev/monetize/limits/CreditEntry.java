package dev.monetize.limits;

/**
 * What {@link LimiterStore#applyCredits} did with one wallet entry.
 *
 * @param outcome applied now, applied before (the same entry id), or refused (the balance would go below zero)
 * @param delta the entry's amount in micro-units: the one asked for, or for a repeated id the one first applied
 * @param balance the balance in micro-units right after the entry was applied (for a refusal: the balance now)
 */
public record CreditEntry(Outcome outcome, long delta, long balance) {
  /** What happened. */
  public enum Outcome {
    /** The balance moved by the delta now. */
    APPLIED,
    /** The entry id was applied before; nothing moved. */
    REPEATED,
    /** The delta would take the balance below zero; nothing moved. */
    INSUFFICIENT
  }
}
