package dev.monetize.audit;

import java.util.List;

/**
 * Receives audit events in batches, on a background thread. A sink that throws is logged and
 * counted; it never fails a request.
 */
@FunctionalInterface
public interface AuditSink {
  /** Stores one batch of events. */
  void accept(List<AuditEvent> batch) throws Exception;

  /**
   * Whether this sink keeps events durably (a database): then the engine loses none, spilling what
   * the sink cannot take now to the journal directory ({@link AuditOverflow#SPILL}) or, without a
   * directory, delivering on the request thread ({@link AuditOverflow#CALLER_RUNS}). Default false.
   */
  default boolean durable() {
    return false;
  }

  /**
   * Whether this sink links each tenant's events into its hash chain itself (a store shared by many
   * nodes does, so that their events form one chain): then the engine hands events over unchained.
   * Default false: the engine chains them.
   */
  default boolean chains() {
    return false;
  }

  /**
   * Writes each event as one JSON line to the SLF4J logger {@code dev.monetize.audit} at DEBUG
   * (the default sink: silent until that logger is set to DEBUG; keep a real trail with a sink of
   * your own).
   */
  static AuditSink logging() {
    return new LoggingAuditSink();
  }

  /** Keeps the most recent events in memory (for development and tests). */
  static InMemoryAuditSink inMemory() {
    return new InMemoryAuditSink(100_000);
  }
}
