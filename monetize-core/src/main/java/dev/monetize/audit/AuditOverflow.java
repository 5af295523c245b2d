package dev.monetize.audit;

/**
 * What happens when the bounded audit hand-off is full because the sink cannot keep up. Either
 * way it is counted and logged (at most once per ten seconds), never silent.
 */
public enum AuditOverflow {
  /** Drop the new event (the request is not slowed down). The default. */
  DROP,
  /** Deliver the event on the request thread, synchronously (nothing is lost; requests slow down). */
  CALLER_RUNS,
  /**
   * Append the event to a spill file in the usage journal's directory and deliver it later (nothing
   * is lost, requests are not held up by the sink). The default for a {@linkplain AuditSink#durable()
   * durable} sink when a journal directory is set; such a sink's failed batches are spilled too.
   */
  SPILL
}
