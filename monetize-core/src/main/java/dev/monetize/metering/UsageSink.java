package dev.monetize.metering;

import java.util.List;

/**
 * Receives usage in batches from the background flusher. A sink that throws gets the same records
 * again on the next flush (with back-off), so usage is never dropped; a sink must therefore be
 * idempotent or accept at-least-once delivery. A failing sink never fails a request.
 */
@FunctionalInterface
public interface UsageSink {
  /** Stores one batch. Throw to have it retried. */
  void accept(List<UsageRecord> batch) throws Exception;

  /** A new in-memory sink that keeps everything (for development and tests). */
  static InMemoryUsageSink inMemory() {
    return new InMemoryUsageSink();
  }
}
