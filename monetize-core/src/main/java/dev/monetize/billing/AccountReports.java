package dev.monetize.billing;

import dev.monetize.Principal;
import dev.monetize.limits.PolicyState;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a customer's account shows: its usage in the current billing period and its draft invoice.
 *
 * <pre>{@code
 * AccountReports.UsageReport u = monetize.reports().usage(principal);
 * u.requests(); u.limits(); u.cost();
 * }</pre>
 */
public interface AccountReports {
  /**
   * The usage of the principal's customer in the current billing period: calls, bytes and compute
   * (from the ledger when the usage sink keeps totals, else this JVM's), limits as they stand, the
   * prepaid balance, and the running cost at the plan's per-call prices.
   */
  UsageReport usage(Principal principal);

  /**
   * The draft invoice of the principal's customer for the current billing period: the period cut
   * where the plan changed, each part with its plan's fee prorated and one line per operation at
   * that plan's price. Empty when nothing in the period has a price.
   */
  Optional<Invoice> currentInvoice(Principal principal);

  /**
   * The final invoices of the principal's customer, newest first, at most {@code limit}. The last
   * period's invoice is finalized first when it is due (its period ended more than the grace period
   * ago, {@code MonetizeBuilder.invoiceGrace}): numbered, kept in the billing history, immutable.
   */
  List<Invoice> invoices(Principal principal, int limit);

  /** The customer's final invoice of that number (after finalizing a due one, as {@link #invoices}). */
  Optional<Invoice> invoice(Principal principal, String number);

  /**
   * The principal's customer's usage in the current billing period, one entry per day of the
   * customer's time zone from the period's start to today (the days to come are not listed), read
   * from the same totals as {@link #usage} so the days add up to its numbers.
   */
  List<DayUsage> days(Principal principal);

  /**
   * One day of usage.
   *
   * @param date the day, in the customer's billing time zone
   * @param from its start (or the period's, if later)
   * @param to its end (exclusive; or the period's, if earlier)
   * @param requests calls
   * @param units every unit used that day over all operations ({@code calls}, {@code bytes_in},
   *     {@code bytes_out}, {@code compute_ms}, {@code cpu_ms}, {@code cache_hits} and custom units)
   */
  record DayUsage(java.time.LocalDate date, Instant from, Instant to, long requests, Map<String, Long> units) {
    /** Copies. */
    public DayUsage {
      java.util.Objects.requireNonNull(date, "date");
      units = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(units));
    }
  }

  /**
   * A usage report.
   *
   * @param principal whose
   * @param periodStart start of the billing period
   * @param periodEnd end of the billing period (exclusive)
   * @param requests calls
   * @param bytesOut response bytes
   * @param computeMillis wall time
   * @param byOperation calls per operation
   * @param limits the limits as they stand
   * @param credits the wallet's balance: for a prepaid plan, and on any plan while it is not zero
   * @param cost running cost per currency
   * @param asOf when
   * @param bytesIn request bytes
   * @param cpuMillis CPU time
   * @param quantities per operation, the quantity of each unit: {@code calls}, bytes, time,
   *     {@code cache_hits} and the custom units its endpoint reported (what invoices price)
   */
  record UsageReport(Principal principal, Instant periodStart, Instant periodEnd, long requests, long bytesOut,
      long computeMillis, Map<String, Long> byOperation, List<PolicyState> limits, Optional<BigDecimal> credits,
      Map<String, BigDecimal> cost, Instant asOf, long bytesIn, long cpuMillis,
      Map<String, Map<String, Long>> quantities) {
    /** Copies. */
    public UsageReport {
      byOperation = Map.copyOf(byOperation);
      limits = List.copyOf(limits);
      cost = Map.copyOf(cost);
      java.util.Map<String, Map<String, Long>> q = new java.util.TreeMap<>();
      quantities.forEach((op, units) -> q.put(op, java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(units))));
      quantities = java.util.Collections.unmodifiableMap(q);
    }

    /** Calls answered from the response cache, over every operation. */
    public long cacheHits() {
      return quantities.values().stream().mapToLong(u -> u.getOrDefault("cache_hits", 0L)).sum();
    }
  }
}
