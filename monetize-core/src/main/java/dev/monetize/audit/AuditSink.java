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
