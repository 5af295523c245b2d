package dev.monetize.metering.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Lock-free usage counters per key: recording is a map lookup and a few {@link LongAdder}
 * increments. Draining takes each counter with {@link LongAdder#sumThenReset()}, which moves every
 * increment to exactly one drain.
 *
 * <p>A key idle for a whole drain interval is retired, so memory follows the keys in use, not every
 * key ever seen. Retiring never loses an increment: a recorder announces itself in the counter's
 * {@code recording} adder before it checks {@code retired}; the drainer sets {@code retired} before
 * it waits for {@code recording} to reach zero and takes the counter one last time. Either the
 * recorder sees the flag and records into a fresh counter, or the drainer sees the recorder and
 * waits for its increments (all of these are volatile accesses, so one of the two must see the
 * other).
 */
final class LiveCounters {
  private static final class Counters {
    /** Recorders inside this counter right now. */
    final LongAdder recording = new LongAdder();
    volatile boolean retired;
    /** Drains in a row that found nothing (the drainer's only). */
    int idleDrains;
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
    Counters c = enter(customerId, keyId, operationId, status, overage);
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
    c.recording.decrement();
  }

  /** The key's counter, announced as being recorded into (never a retired one). */
  private Counters enter(String customerId, String keyId, String operationId, int status, boolean overage) {
    while (true) {
      Aggregation.Probe probe = PROBE.get().set(customerId, keyId, operationId, status, overage);
      Counters c = live.get(probe); // a Probe equals the Key of the same fields
      probe.clear(); // hold no request's strings beyond the call
      if (c == null) {
        Aggregation.Key key = new Aggregation.Key(customerId, keyId, operationId, status, overage);
        c = live.computeIfAbsent(key, k -> new Counters()); // first call of this key (or after its retirement)
      }
      c.recording.increment();
      if (!c.retired) {
        return c;
      }
      c.recording.decrement(); // retired meanwhile: its replacement takes this call
      live.remove(probeKey(customerId, keyId, operationId, status, overage), c);
    }
  }

  private static Aggregation.Key probeKey(String customerId, String keyId, String operationId, int status,
      boolean overage) {
    return new Aggregation.Key(customerId, keyId, operationId, status, overage);
  }

  /** Keys being counted now (for tests). */
  int size() {
    return live.size();
  }

  /**
   * Moves everything counted so far into {@code into}, and retires the keys that counted nothing
   * since the drain before this one.
   */
  void drainInto(Aggregation into) {
    for (Map.Entry<Aggregation.Key, Counters> e : live.entrySet()) {
      Counters c = e.getValue();
      boolean counted = take(e.getKey(), c, into);
      c.idleDrains = counted ? 0 : c.idleDrains + 1;
      if (c.idleDrains >= 2) {
        c.retired = true;
        while (c.recording.sum() != 0) {
          Thread.onSpinWait(); // a recorder that entered before the flag finishes its few increments
        }
        live.remove(e.getKey(), c);
        take(e.getKey(), c, into); // what such a recorder added
      }
    }
  }

  /** Moves one counter into {@code into}; whether it held anything. */
  private static boolean take(Aggregation.Key key, Counters c, Aggregation into) {
    boolean any = false;
    long calls = c.calls.sumThenReset();
    long bytesIn = c.bytesIn.sumThenReset();
    long bytes = c.bytesOut.sumThenReset();
    long micros = c.micros.sumThenReset();
    long cpu = c.cpuMicros.sumThenReset();
    if (calls != 0 || bytesIn != 0 || bytes != 0 || micros != 0 || cpu != 0) {
      into.add(key, calls, bytesIn, bytes, micros, cpu);
      any = true;
    }
    for (Map.Entry<String, LongAdder> u : c.units.entrySet()) {
      long v = u.getValue().sumThenReset();
      if (v != 0) {
        into.addUnit(key, u.getKey(), v);
        any = true;
      }
    }
    return any;
  }

}
