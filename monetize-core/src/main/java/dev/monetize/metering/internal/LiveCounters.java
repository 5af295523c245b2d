package dev.monetize.metering.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Lock-free usage counters per key: recording is a map lookup and three {@link LongAdder}
 * increments. Draining takes each counter with {@link LongAdder#sumThenReset()}, which moves every
 * increment to exactly one drain.
 */
final class LiveCounters {
  private static final class Counters {
    final LongAdder calls = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder micros = new LongAdder();
    final LongAdder cpuMicros = new LongAdder();
    final ConcurrentHashMap<String, LongAdder> units = new ConcurrentHashMap<>();
  }

  private static final ThreadLocal<Aggregation.Probe> PROBE = ThreadLocal.withInitial(Aggregation.Probe::new);

  private final ConcurrentHashMap<Aggregation.Key, Counters> live = new ConcurrentHashMap<>();

  void record(String customerId, String keyId, String operationId, int status, boolean overage, long bytesIn,
      long bytesOut, long micros, long cpuMicros, Map<String, Long> units) {
    Aggregation.Probe probe = PROBE.get().set(customerId, keyId, operationId, status, overage);
    Counters c = live.get(probe); // a Probe equals the Key of the same fields
    probe.clear(); // hold no request's strings beyond the call
    if (c == null) {
      c = live.computeIfAbsent(new Aggregation.Key(customerId, keyId, operationId, status, overage),
          k -> new Counters()); // first call of this key
    }
    c.calls.increment();
    if (bytesIn != 0) {
      c.bytesIn.add(bytesIn);
    }
    c.bytesOut.add(bytesOut);
    c.micros.add(micros);
    if (cpuMicros != 0) {
      c.cpuMicros.add(cpuMicros);
    }
    if (!units.isEmpty()) {
      for (Map.Entry<String, Long> u : units.entrySet()) {
        c.units.computeIfAbsent(u.getKey(), n -> new LongAdder()).add(u.getValue());
      }
    }
  }

  /** Moves everything counted so far into {@code into}. */
  void drainInto(Aggregation into) {
    for (Map.Entry<Aggregation.Key, Counters> e : live.entrySet()) {
      Counters c = e.getValue();
      long calls = c.calls.sumThenReset();
      long bytesIn = c.bytesIn.sumThenReset();
      long bytes = c.bytesOut.sumThenReset();
      long micros = c.micros.sumThenReset();
      long cpu = c.cpuMicros.sumThenReset();
      if (calls != 0 || bytesIn != 0 || bytes != 0 || micros != 0 || cpu != 0) {
        into.add(e.getKey(), calls, bytesIn, bytes, micros, cpu);
      }
      for (Map.Entry<String, LongAdder> u : c.units.entrySet()) {
        long v = u.getValue().sumThenReset();
        if (v != 0) {
          into.addUnit(e.getKey(), u.getKey(), v);
        }
      }
    }
  }
}
