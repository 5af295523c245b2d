package dev.monetize.metering.internal;

import dev.monetize.metering.UsageRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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

    /** The one hash of a key's fields, shared with the allocation-free lookups of {@link Probe}. */
    static int hash(String customerId, String keyId, String operationId, int status, boolean overage) {
      int h = Objects.hashCode(customerId);
      h = 31 * h + Objects.hashCode(keyId);
      h = 31 * h + Objects.hashCode(operationId);
      h = 31 * h + status;
      return 31 * h + (overage ? 1 : 0);
    }
  }

  /**
   * A reusable stand-in for a {@link Key} in lookups, so that finding the entry of a known key
   * allocates nothing: {@code HashMap.get} and {@code ConcurrentHashMap.get} hash the argument and
   * ask it, not the stored key, for equality. Never stored in a map.
   */
  static final class Probe {
    private String customerId;
    private String keyId;
    private String operationId;
    private int status;
    private boolean overage;
    private int hash;

    Probe set(String customerId, String keyId, String operationId, int status, boolean overage) {
      this.customerId = customerId;
      this.keyId = keyId;
      this.operationId = operationId;
      this.status = status;
      this.overage = overage;
      this.hash = Key.hash(customerId, keyId, operationId, status, overage);
      return this;
    }

    Key toKey() {
      return new Key(customerId, keyId, operationId, status, overage);
    }

    /** Holds no request's strings beyond the lookup. */
    void clear() {
      customerId = null;
      keyId = null;
      operationId = null;
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.status() == status && k.overage() == overage
          && Objects.equals(k.customerId(), customerId) && Objects.equals(k.keyId(), keyId)
          && Objects.equals(k.operationId(), operationId);
    }
  }

  /** The running sums of one key. */
  static final class Sums {
    private long calls;
    private long bytesIn;
    private long bytesOut;
    private long micros;
    private long cpuMicros;
    private Map<String, Long> units;

    void add(long calls, long bytesIn, long bytesOut, long micros, long cpuMicros) {
      this.calls += calls;
      this.bytesIn += bytesIn;
      this.bytesOut += bytesOut;
      this.micros += micros;
      this.cpuMicros += cpuMicros;
    }

    void addUnit(String unit, long amount) {
      if (amount == 0) {
        return;
      }
      if (units == null) {
        units = new TreeMap<>();
      }
      units.merge(unit, amount, Long::sum);
    }
  }

  private final Map<Key, Sums> sums = new HashMap<>();
  private final Probe probe = new Probe();

  /** The sums of a key, found without allocating when the key is already here. */
  Sums at(String customerId, String keyId, String operationId, int status, boolean overage) {
    Sums s = sums.get(probe.set(customerId, keyId, operationId, status, overage)); // a Probe equals its Key
    if (s == null) {
      s = new Sums();
      sums.put(probe.toKey(), s);
    }
    probe.clear();
    return s;
  }

  void add(Key key, long calls, long bytesIn, long bytesOut, long micros, long cpuMicros) {
    sums.computeIfAbsent(key, k -> new Sums()).add(calls, bytesIn, bytesOut, micros, cpuMicros);
  }

  void addUnit(Key key, String unit, long amount) {
    if (amount != 0) {
      sums.computeIfAbsent(key, k -> new Sums()).addUnit(unit, amount);
    }
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
