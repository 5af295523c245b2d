package dev.monetize.metering.internal;

import dev.monetize.TimeSource;
import dev.monetize.metering.UsageRecord;
import dev.monetize.metering.UsageSink;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aggregates usage in lock-free counters per (customer, key, operation, status) and delivers it in
 * batches. Recording is a map lookup and three {@link LongAdder} increments: no lock, no queue of
 * one object per call. Flushing takes each counter with {@link LongAdder#sumThenReset()}, which
 * moves every increment to exactly one flush. Records a sink refused stay pending and are offered
 * again, with exponential back-off, until the sink takes them: usage is never dropped.
 *
 * <p>Internal: use {@code Monetize}.
 */
public final class UsageMeter {
  private static final Logger LOG = LoggerFactory.getLogger(UsageMeter.class);
  private static final int BATCH = 1_000;
  private static final long MAX_BACKOFF_NANOS = 60_000_000_000L;

  private record Key(String customerId, String keyId, String operationId, int status, boolean overage) {}

  private static final class Counters {
    final LongAdder calls = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder micros = new LongAdder();
    final ConcurrentHashMap<String, LongAdder> units = new ConcurrentHashMap<>();
  }

  private final ConcurrentHashMap<Key, Counters> live = new ConcurrentHashMap<>();
  private final UsageSink sink;
  private final TimeSource time;
  private final Object flushLock = new Object();
  // guarded by flushLock
  private final List<UsageRecord> pending = new ArrayList<>();
  private Instant intervalStart;
  private long backoffNanos;
  private long nextAttemptNanos;
  private final LongAdder failures = new LongAdder();

  /** A meter delivering to {@code sink}. */
  public UsageMeter(UsageSink sink, TimeSource time) {
    this.sink = sink;
    this.time = time;
    this.intervalStart = time.now();
  }

  /** Records one admitted call. Lock-free; never throws for valid input. */
  public void record(String customerId, String keyId, String operationId, int status, boolean overage, long bytesOut,
      long durationNanos) {
    record(customerId, keyId, operationId, status, overage, bytesOut, durationNanos, Map.of());
  }

  /** Records one admitted call with the custom units its endpoint reported. */
  public void record(String customerId, String keyId, String operationId, int status, boolean overage, long bytesOut,
      long durationNanos, Map<String, Long> units) {
    Key key = new Key(customerId, keyId, operationId, status, overage);
    Counters c = live.get(key);
    if (c == null) {
      c = live.computeIfAbsent(key, k -> new Counters());
    }
    c.calls.increment();
    c.bytesOut.add(bytesOut);
    c.micros.add(durationNanos / 1_000);
    if (!units.isEmpty()) {
      for (Map.Entry<String, Long> u : units.entrySet()) {
        c.units.computeIfAbsent(u.getKey(), n -> new LongAdder()).add(u.getValue());
      }
    }
  }

  /** Flushes if the back-off after a failure has passed; called by the background flusher. */
  public void flushIfDue() {
    synchronized (flushLock) {
      if (System.nanoTime() - nextAttemptNanos < 0) {
        return;
      }
    }
    flush();
  }

  /**
   * Moves everything recorded so far to the sink. Returns true when nothing is left pending.
   */
  public boolean flush() {
    synchronized (flushLock) {
      Instant now = time.now();
      if (!now.isAfter(intervalStart)) {
        // intervals strictly increase, so no two records of one key share an id (UsageRecord.id)
        now = intervalStart.plusNanos(1);
      }
      for (Map.Entry<Key, Counters> e : live.entrySet()) {
        Counters c = e.getValue();
        long calls = c.calls.sumThenReset();
        long bytes = c.bytesOut.sumThenReset();
        long micros = c.micros.sumThenReset();
        Map<String, Long> units = Map.of();
        if (!c.units.isEmpty()) {
          units = new java.util.HashMap<>();
          for (Map.Entry<String, LongAdder> u : c.units.entrySet()) {
            long v = u.getValue().sumThenReset();
            if (v != 0) {
              units.put(u.getKey(), v);
            }
          }
        }
        if (calls != 0 || bytes != 0 || micros != 0 || !units.isEmpty()) {
          Key k = e.getKey();
          pending.add(new UsageRecord(k.customerId(), k.keyId(), k.operationId(), k.status(), k.overage(),
              intervalStart, now, calls, bytes, micros, units));
        }
      }
      intervalStart = now;
      while (!pending.isEmpty()) {
        List<UsageRecord> batch = List.copyOf(pending.subList(0, Math.min(BATCH, pending.size())));
        try {
          sink.accept(batch);
        } catch (Exception | LinkageError e) {
          failures.increment();
          backoffNanos = backoffNanos == 0 ? 500_000_000L : Math.min(MAX_BACKOFF_NANOS, backoffNanos * 2);
          nextAttemptNanos = System.nanoTime() + backoffNanos;
          LOG.warn("usage sink {} failed ({} records pending, retry in {} ms): {}",
              sink.getClass().getName(), pending.size(), backoffNanos / 1_000_000, e.toString());
          return false;
        }
        pending.subList(0, batch.size()).clear();
      }
      backoffNanos = 0;
      nextAttemptNanos = 0;
      return true;
    }
  }

  /** Records waiting for the sink. */
  public int pendingRecords() {
    synchronized (flushLock) {
      return pending.size();
    }
  }

  /** How often the sink failed. */
  public long sinkFailures() {
    return failures.sum();
  }
}
