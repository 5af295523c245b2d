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
   * @param bytesIn request body bytes read
   * @param bytesOut response bytes
   * @param computeMillis wall time of the endpoints
   * @param cpuMillis CPU time of the endpoints (0 unless measured)
   * @param byOperation calls per operation id
   */
  record Totals(long requests, long bytesIn, long bytesOut, long computeMillis, long cpuMillis,
      Map<String, Long> byOperation) {
    /** Copies. */
    public Totals {
      byOperation = Map.copyOf(byOperation);
    }

    /** Totals without request bytes or CPU time. */
    public Totals(long requests, long bytesOut, long computeMillis, Map<String, Long> byOperation) {
      this(requests, 0, bytesOut, computeMillis, 0, byOperation);
    }
  }

  /** The totals of {@code customerId} over usage records that started in {@code [from, to)}. */
  Totals totals(String customerId, Instant from, Instant to);
}
