package dev.monetize.metering.internal;

import dev.monetize.metering.UsageRecord;
import dev.monetize.metering.UsageTotals;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sums of usage records per operation and unit, the one place that turns records into
 * {@link UsageTotals.Totals} (the memory ledger's slices and {@link UsageTotals#of} both use it).
 * Not thread-safe.
 */
public final class Tally {
  /** Per operation: calls, bytes in, bytes out, wall micros, CPU micros. */
  private final Map<String, long[]> standard = new TreeMap<>();
  private final Map<String, Map<String, Long>> custom = new TreeMap<>();

  /** Adds one record. */
  public void add(UsageRecord r) {
    String op = r.operationId();
    long[] s = standard.computeIfAbsent(op, k -> new long[5]);
    s[0] = sum(s[0], r.calls(), op, 0);
    s[1] = sum(s[1], r.bytesIn(), op, 1);
    s[2] = sum(s[2], r.bytesOut(), op, 2);
    s[3] = sum(s[3], r.durationMicros(), op, 3);
    s[4] = sum(s[4], r.cpuMicros(), op, 4);
    if (!r.units().isEmpty()) {
      Map<String, Long> units = custom.computeIfAbsent(op, k -> new HashMap<>());
      r.units().forEach((u, n) -> units.merge(u, n, (a, b) -> sum(a, b, op, u)));
    }
  }

  /** Adds another tally's sums. */
  public void add(Tally other) {
    other.standard.forEach((op, s) -> {
      long[] mine = standard.computeIfAbsent(op, k -> new long[5]);
      for (int i = 0; i < s.length; i++) {
        mine[i] = sum(mine[i], s[i], op, i);
      }
    });
    other.custom.forEach((op, units) -> {
      Map<String, Long> mine = custom.computeIfAbsent(op, k -> new HashMap<>());
      units.forEach((u, n) -> mine.merge(u, n, (a, b) -> sum(a, b, op, u)));
    });
  }

  private static final String[] STANDARD = {"calls", "bytes_in", "bytes_out", "duration_us", "cpu_us"};

  private static long sum(long a, long b, String operation, int standardUnit) {
    return sum(a, b, operation, STANDARD[standardUnit]);
  }

  /**
   * {@code a + b}, exactly: a total past 2^63 - 1 fails, naming it, instead of wrapping into a
   * negative quantity that an invoice would leave out without a word.
   */
  private static long sum(long a, long b, String operation, String unit) {
    try {
      return Math.addExact(a, b);
    } catch (ArithmeticException e) {
      throw new ArithmeticException("the usage of '" + unit + "' on '" + operation + "' adds up past "
          + Long.MAX_VALUE + ": it cannot be billed exactly");
    }
  }

  /** The totals (milliseconds are the summed microseconds, truncated once per operation). */
  public UsageTotals.Totals totals() {
    long requests = 0;
    long bytesIn = 0;
    long bytesOut = 0;
    long micros = 0;
    long cpuMicros = 0;
    Map<String, Long> byOperation = new TreeMap<>();
    Map<String, Map<String, Long>> quantities = new TreeMap<>();
    for (Map.Entry<String, long[]> e : standard.entrySet()) {
      long[] s = e.getValue();
      requests = sum(requests, s[0], "*", 0);
      bytesIn = sum(bytesIn, s[1], "*", 1);
      bytesOut = sum(bytesOut, s[2], "*", 2);
      micros = sum(micros, s[3], "*", 3);
      cpuMicros = sum(cpuMicros, s[4], "*", 4);
      byOperation.put(e.getKey(), s[0]);
      Map<String, Long> q = new HashMap<>(custom.getOrDefault(e.getKey(), Map.of()));
      q.put("calls", s[0]);
      q.put("bytes_in", s[1]);
      q.put("bytes_out", s[2]);
      q.put("compute_ms", s[3] / 1_000);
      q.put("cpu_ms", s[4] / 1_000);
      quantities.put(e.getKey(), q);
    }
    return new UsageTotals.Totals(requests, bytesIn, bytesOut, micros / 1_000, cpuMicros / 1_000, byOperation,
        quantities);
  }

  /** The totals of records that started in {@code [from, to)}, for {@link UsageTotals#of}. */
  public static UsageTotals over(List<UsageRecord> records) {
    List<UsageRecord> copy = List.copyOf(records);
    Map<String, List<UsageRecord>> byCustomer = new HashMap<>(); // a query reads its customer's records only
    for (UsageRecord r : copy) {
      byCustomer.computeIfAbsent(r.customerId(), k -> new java.util.ArrayList<>()).add(r);
    }
    return new UsageTotals() {
      @Override
      public Totals totals(String customerId, java.time.Instant from, java.time.Instant to) {
        Tally t = new Tally();
        for (UsageRecord r : byCustomer.getOrDefault(customerId, List.of())) {
          if (!r.from().isBefore(from) && r.from().isBefore(to)) {
            t.add(r);
          }
        }
        return t.totals();
      }

      @Override
      public java.util.Optional<Map<String, Map<String, Long>>> callsPerKey(String customerId,
          java.time.Instant from, java.time.Instant to) {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        for (UsageRecord r : byCustomer.getOrDefault(customerId, List.of())) {
          if (!r.from().isBefore(from) && r.from().isBefore(to)) {
            out.computeIfAbsent(r.keyId(), k -> new TreeMap<>())
                .merge(r.operationId(), r.calls(), (a, b) -> sum(a, b, r.operationId(), 0));
          }
        }
        out.replaceAll((k, ops) -> Map.copyOf(ops));
        return java.util.Optional.of(java.util.Collections.unmodifiableMap(out));
      }

      @Override
      public java.util.Set<String> customers(java.time.Instant from, java.time.Instant to) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (UsageRecord r : copy) {
          if (!r.from().isBefore(from) && r.from().isBefore(to)) {
            out.add(r.customerId());
          }
        }
        return out;
      }
    };
  }
}
