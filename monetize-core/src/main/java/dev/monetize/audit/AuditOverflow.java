package dev.monetize.audit;

/**
 * What happens when the bounded audit hand-off is full because the sink cannot keep up. Either
 * way it is counted and logged (at most once per ten seconds), never silent.
 */
public enum AuditOverflow {
  /** Drop the new event (the request is not slowed down). The default. */
  DROP,
  /** Deliver the event on the request thread, synchronously (nothing is lost; requests slow down). */
  CALLER_RUNS
}
