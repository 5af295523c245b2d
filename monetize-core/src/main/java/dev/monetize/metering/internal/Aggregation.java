package dev.monetize.metering.internal;

import dev.monetize.metering.UsageRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Usage summed per (customer, key, operation, status, overage): what one flush delivers. Both the
 * live counters and the journal reader add into one, so the records of a flush are built in one
 * place. Single-threaded.
 */
final class Aggregation {
  record Key(String customerId, String keyId, String operationId, int status, boolean overage) {
    @Override
    public int hashCode() {
      return hash(customerId, keyId, operationId, status, overage);
    }

    /** The one hash of a key's fields, shared with {@link LiveCounters}' allocation-free lookup. */
    static int hash(String customerId, String keyId, String operationId, int status, boolean overage) {
      int h = customerId.hashCode();
      h = 31 * h + keyId.hashCode();
      h = 31 * h + operationId.hashCode();
      h = 31 * h + status;
      return 31 * h + (overage ? 1 : 0);
    }
  }

  private static final class Sums {
    long calls;
    long bytesIn;
    long bytesOut;
    long micros;
    long cpuMicros;
    Map<String, Long> units;
  }

  private final Map<Key, Sums> sums = new HashMap<>();

  void add(Key key, long calls, long bytesIn, long bytesOut, long micros, long cpuMicros) {
    Sums s = sums.computeIfAbsent(key, k -> new Sums());
    s.calls += calls;
    s.bytesIn += bytesIn;
    s.bytesOut += bytesOut;
    s.micros += micros;
    s.cpuMicros += cpuMicros;
  }

  void addUnit(Key key, String unit, long amount) {
    if (amount == 0) {
      return;
    }
    Sums s = sums.computeIfAbsent(key, k -> new Sums());
    if (s.units == null) {
      s.units = new TreeMap<>();
    }
    s.units.merge(unit, amount, Long::sum);
  }

  boolean isEmpty() {
    return sums.isEmpty();
  }

  /** The records over {@code [from, to)}, one per key with anything to report. */
  List<UsageRecord> records(Instant from, Instant to) {
    List<UsageRecord> out = new ArrayList<>(sums.size());
    for (Map.Entry<Key, Sums> e : sums.entrySet()) {
      Sums s = e.getValue();
      Map<String, Long> units = s.units == null ? Map.of() : s.units;
      if (s.calls == 0 && s.bytesIn == 0 && s.bytesOut == 0 && s.micros == 0 && s.cpuMicros == 0 && units.isEmpty()) {
        continue;
      }
      Key k = e.getKey();
      out.add(new UsageRecord(k.customerId(), k.keyId(), k.operationId(), k.status(), k.overage(), from, to, s.calls,
          s.bytesIn, s.bytesOut, s.micros, s.cpuMicros, units));
    }
    return out;
  }
}
