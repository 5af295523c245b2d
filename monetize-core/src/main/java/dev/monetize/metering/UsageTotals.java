package dev.monetize.metering;

import java.time.Instant;
import java.util.Map;

/**
 * A usage sink that can also answer totals (a shared ledger). When the engine's usage sink
 * implements it, usage reports ({@code GET /monetize/usage}) read their counts from it, so every
 * node reports every node's calls (those flushed, that is within the flush interval).
 */
public interface UsageTotals {
  /**
   * Totals of one customer.
   *
   * @param requests calls admitted
   * @param bytesOut response bytes
   * @param computeMillis wall time of the endpoints
   * @param byOperation calls per operation id
   */
  record Totals(long requests, long bytesOut, long computeMillis, Map<String, Long> byOperation) {
    /** Copies. */
    public Totals {
      byOperation = Map.copyOf(byOperation);
    }
  }

  /** The totals of {@code customerId} over usage records that started in {@code [from, to)}. */
  Totals totals(String customerId, Instant from, Instant to);
}
