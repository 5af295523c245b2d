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
   * @param quantities per operation id, the quantity of each unit used: {@code calls},
   *     {@code bytes_in}, {@code bytes_out}, {@code compute_ms}, {@code cpu_ms} and the custom units
   *     the endpoints reported (what invoices price)
   */
  record Totals(long requests, long bytesIn, long bytesOut, long computeMillis, long cpuMillis,
      Map<String, Long> byOperation, Map<String, Map<String, Long>> quantities) {
    /** The units every usage record counts (custom units come beside them). */
    public static final java.util.List<String> STANDARD_UNITS =
        java.util.List.of("calls", "bytes_in", "bytes_out", "compute_ms", "cpu_ms");

    /** Copies. */
    public Totals {
      byOperation = Map.copyOf(byOperation);
      java.util.Map<String, Map<String, Long>> q = new java.util.TreeMap<>();
      quantities.forEach((op, units) -> q.put(op, Map.copyOf(units)));
      quantities = java.util.Collections.unmodifiableMap(q);
    }

    /** Totals whose only quantities per operation are calls. */
    public Totals(long requests, long bytesIn, long bytesOut, long computeMillis, long cpuMillis,
        Map<String, Long> byOperation) {
      this(requests, bytesIn, bytesOut, computeMillis, cpuMillis, byOperation, callsOnly(byOperation));
    }

    private static Map<String, Map<String, Long>> callsOnly(Map<String, Long> byOperation) {
      java.util.Map<String, Map<String, Long>> q = new java.util.TreeMap<>();
      byOperation.forEach((op, calls) -> q.put(op, Map.of("calls", calls)));
      return q;
    }

    /** The quantity of {@code unit} that {@code operation} used (0 when none). */
    public long quantity(String operation, String unit) {
      Map<String, Long> units = quantities.get(operation);
      return units == null ? 0 : units.getOrDefault(unit, 0L);
    }

    /** Totals without request bytes or CPU time. */
    public Totals(long requests, long bytesOut, long computeMillis, Map<String, Long> byOperation) {
      this(requests, 0, bytesOut, computeMillis, 0, byOperation);
    }
  }

  /** The totals of {@code customerId} over usage records that started in {@code [from, to)}. */
  Totals totals(String customerId, Instant from, Instant to);

  /**
   * One question of a batch ({@link #totals(java.util.List)}): the records of {@code customerId}
   * that started in {@code [from, to)}.
   *
   * @param customerId the customer
   * @param from the first instant counted
   * @param to the first instant not counted
   */
  record Range(String customerId, Instant from, Instant to) {
    /** Checks that every part is given. */
    public Range {
      java.util.Objects.requireNonNull(customerId, "customerId");
      java.util.Objects.requireNonNull(from, "from");
      java.util.Objects.requireNonNull(to, "to");
    }
  }

  /**
   * The totals of each range, in the order asked, each as {@link #totals(String, Instant, Instant)}
   * gives it: what the operator's reports read for thousands of customers at once. The default asks
   * for each in turn; a ledger across the network answers a batch in a few queries.
   */
  default java.util.List<Totals> totals(java.util.List<Range> ranges) {
    java.util.List<Totals> out = new java.util.ArrayList<>(ranges.size());
    for (Range r : ranges) {
      out.add(totals(r.customerId(), r.from(), r.to()));
    }
    return out;
  }

  /**
   * The totals of {@code customerId} per day of {@code zone}, for every day from {@code from}'s to
   * {@code to}'s (both included, oldest first): each day's totals are those of the records that
   * started in {@code [max(from, the day's start), the next day's start)}, as {@link #totals} gives
   * them. The default asks {@link #totals} once per day; a ledger answers in one query.
   */
  default java.util.SortedMap<java.time.LocalDate, Totals> daily(String customerId, Instant from, Instant to,
      java.time.ZoneId zone) {
    java.util.SortedMap<java.time.LocalDate, Totals> out = new java.util.TreeMap<>();
    java.time.LocalDate day = from.atZone(zone).toLocalDate();
    java.time.LocalDate last = to.atZone(zone).toLocalDate();
    Instant start = from;
    while (!day.isAfter(last)) {
      Instant next = day.plusDays(1).atStartOfDay(zone).toInstant();
      out.put(day, totals(customerId, start, next));
      day = day.plusDays(1);
      start = next;
    }
    return out;
  }

  /**
   * The calls of {@code customerId} per key id, then per operation id, over the records that started
   * in {@code [from, to)}: what the engine reads after a restart to restore the quotas it counts in
   * memory, a quota per key included. Empty when this ledger does not keep calls per key (the
   * default): quotas per customer and per operation are then restored from {@link #totals}, and
   * quotas per key count from zero after a restart.
   */
  default java.util.Optional<Map<String, Map<String, Long>>> callsPerKey(String customerId, Instant from, Instant to) {
    return java.util.Optional.empty();
  }

  /**
   * The customers with usage whose interval started in {@code [from, to)} (for the operator's
   * analytics). The default knows none; the engine's own totals and the PostgreSQL ledger list them.
   */
  default java.util.Set<String> customers(Instant from, Instant to) {
    return java.util.Set.of();
  }

  /**
   * The totals of these records, summed on each call (for tools and tests: the CLI rates a file
   * of usage lines with it).
   */
  static UsageTotals of(java.util.List<UsageRecord> records) {
    return dev.monetize.metering.internal.Tally.over(records);
  }
}
