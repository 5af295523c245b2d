package dev.monetize.metering;

import java.time.Instant;
import java.util.Map;

/**
 * A usage sink that can also answer totals (a shared ledger). When the engine's usage sink
 * implements it, usage reports and invoices ({@code GET /monetize/usage}, {@code /invoices}) read
 * their counts from it and nowhere else, so every node reports every node's delivered calls (a
 * report first delivers its own node's pending usage). Otherwise the engine keeps the same totals
 * of what it delivered, in memory.
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
