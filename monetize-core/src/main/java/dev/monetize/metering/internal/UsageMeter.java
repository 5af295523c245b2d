package dev.monetize.metering.internal;

import dev.monetize.TimeSource;
import dev.monetize.metering.UsageRecord;
import dev.monetize.metering.UsageSink;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Meters admitted calls and delivers them in batches. Without a journal, calls are counted in
 * lock-free counters ({@link LiveCounters}); with one, each call is appended to the
 * {@link UsageJournal} before its response completes, and deliveries are aggregated from the
 * journal, so a crash neither loses nor double counts a call. A delivery the sink refused is
 * offered again, unchanged (same records, same ids), with exponential back-off, until the sink
 * takes it: usage is never dropped and a sink failure never fails a request.
 *
 * <p>Internal: use {@code Monetize}.
 */
public final class UsageMeter {
  private static final Logger LOG = LoggerFactory.getLogger(UsageMeter.class);
  private static final int BATCH = 1_000;
  private static final long MAX_BACKOFF_NANOS = 60_000_000_000L;

  private final LiveCounters live = new LiveCounters();
  private final UsageJournal journal;
  private final UsageSink sink;
  private final Consumer<List<UsageRecord>> delivered;
  private final TimeSource time;
  private final Object flushLock = new Object();
  /**
   * Every billing period of every customer starts on a quarter hour (UTC offsets are whole quarter
   * hours), so no usage interval spans one: the first call completed at or after the next quarter
   * hour cuts the interval there ({@link #cut}), and the calls completed before it are delivered
   * with an interval that ends there.
   */
  static final long CUT_NANOS = 15 * 60 * 1_000_000_000L;
  /** The next quarter hour at which intervals are cut (epoch nanos). */
  private volatile long nextCutNanos;
  /** Guards the cut against a take: {@link #intervalStart} and {@link #cutRecords}. */
  private final Object cutLock = new Object();
  /**
   * Plan changes between their instant and their cut: meanwhile a take delivers only the intervals
   * already cut and leaves the open one open (guarded by cutLock).
   */
  private int held;
  /** Whether the last take was made while a change held the open interval (flushLock's). */
  private boolean heldTake;
  /** Records of intervals cut off and not yet taken, guarded by cutLock. */
  private final List<UsageRecord> cutRecords = new java.util.ArrayList<>();
  // guarded by flushLock
  private UsageJournal.Delivery current;
  private int taken;
  private Instant intervalStart;
  private long backoffNanos;
  private long nextAttemptNanos;
  private final LongAdder failures = new LongAdder();
  /** When the last delivery took what was recorded (System.nanoTime), guarded by flushLock. */
  private long lastTakeNanos = System.nanoTime() - SETTLE_GAP_NANOS;
  /** Deliveries started (for tests), guarded by flushLock. */
  private long takes;
  /** When a reader last asked for a delivery (System.nanoTime), guarded by flushLock. */
  private long lastSettleNanos = System.nanoTime() - SETTLE_GAP_NANOS;
  /** Readers cause at most one delivery per this gap, whatever their number. */
  private static final long SETTLE_GAP_NANOS = 100_000_000L;

  /**
   * A meter delivering to {@code sink}, journaling to {@code journal} when present, and handing
   * each batch the sink took to {@code delivered}.
   */
  public UsageMeter(UsageSink sink, TimeSource time, Optional<UsageJournal> journal,
      Consumer<List<UsageRecord>> delivered) {
    this.sink = sink;
    this.delivered = delivered;
    this.time = time;
    this.journal = journal.orElse(null);
    this.intervalStart = time.now();
    this.nextCutNanos = nextCut(time.epochNanos());
    if (this.journal != null) {
      // what an earlier run appended and did not deliver ends here: calls from now on are this run's,
      // even if the process was down across a period's start
      this.journal.cut(intervalStart, live);
    }
  }

  private static long nextCut(long epochNanos) {
    return Math.floorDiv(epochNanos, CUT_NANOS) * CUT_NANOS + CUT_NANOS;
  }

  /** A meter without a journal. */
  public UsageMeter(UsageSink sink, TimeSource time) {
    this(sink, time, Optional.empty(), batch -> {});
  }

  /** Records one admitted call, completed now, without request bytes, CPU time or custom units. */
  public void record(String customerId, String keyId, String operationId, int status, boolean overage, long bytesOut,
      long durationNanos) {
    record(customerId, keyId, operationId, status, overage, 0, bytesOut, durationNanos, 0, Map.of(),
        time.epochNanos());
  }

  /**
   * Records one admitted call with every quantity: request and response bytes, wall and CPU time,
   * custom units, and when it completed ({@code completedEpochNanos}: it falls in the interval of
   * that quarter hour). Never throws for valid input. With a journal the call is in the operating
   * system's hands when this returns (or, should the journal fail, in memory).
   */
  public void record(String customerId, String keyId, String operationId, int status, boolean overage, long bytesIn,
      long bytesOut, long durationNanos, long cpuNanos, Map<String, Long> units, long completedEpochNanos) {
    if (completedEpochNanos >= nextCutNanos) {
      cut(completedEpochNanos);
    }
    long micros = durationNanos / 1_000;
    long cpuMicros = cpuNanos / 1_000;
    if (journal == null || !journal.append(customerId, keyId, operationId, status, overage, bytesIn, bytesOut, micros,
        cpuMicros, units)) {
      live.record(customerId, keyId, operationId, status, overage, bytesIn, bytesOut, micros, cpuMicros, units);
    }
  }

  /**
   * Makes sure what was recorded before {@code arrivalNanos} (System.nanoTime of a reader's
   * request) is delivered, unless the sink is backing off: when a delivery took the counters after
   * that instant, nothing is done; otherwise a delivery runs, at most one per 100 ms for all readers
   * together (a reader inside the gap waits for it, and readers waiting together share one). So
   * reports stay exact while no tenant can make the engine deliver, and cut intervals, at will.
   */
  public void settle(long arrivalNanos) {
    synchronized (flushLock) {
      while (true) {
        if (lastTakeNanos - arrivalNanos >= 0 || System.nanoTime() - nextAttemptNanos < 0) {
          return; // delivered since the reader arrived, or backing off
        }
        long wait = lastSettleNanos + SETTLE_GAP_NANOS - System.nanoTime();
        if (wait <= 0) {
          break;
        }
        try {
          flushLock.wait(Math.max(1, wait / 1_000_000), 0);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      lastSettleNanos = System.nanoTime();
    }
    flushIfDue();
  }

  /** Whether a delivery the sink refused waits to be tried again: totals fed by deliveries lack its calls. */
  public boolean refusedDeliveryWaiting() {
    synchronized (flushLock) {
      return current != null;
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
   * Delivers everything recorded so far (or first, the delivery the sink refused last time).
   * Returns true when nothing is left pending.
   */
  public boolean flush() {
    synchronized (flushLock) {
      while (true) {
        boolean fresh = current == null;
        if (fresh) {
          long at = System.nanoTime();
          long now = time.epochNanos();
          passing.accept(now); // a plan change due by now is cut at its instant first, not spanned by this take
          takes++;
          current = take(now);
          if (!heldTake) {
            lastTakeNanos = at; // a reader that came before has its calls delivered (held: not all of them)
          }
          taken = 0;
        }
        List<UsageRecord> records = current.records();
        while (taken < records.size()) {
          List<UsageRecord> batch = records.subList(taken, Math.min(records.size(), taken + BATCH));
          try {
            sink.accept(batch);
          } catch (Exception | LinkageError e) {
            failures.increment();
            backoffNanos = backoffNanos == 0 ? 500_000_000L : Math.min(MAX_BACKOFF_NANOS, backoffNanos * 2);
            nextAttemptNanos = System.nanoTime() + backoffNanos;
            LOG.warn("usage sink {} failed ({} records pending, retry in {} ms): {}",
                sink.getClass().getName(), records.size() - taken, backoffNanos / 1_000_000, e.toString());
            return false;
          }
          taken += batch.size();
          try {
            delivered.accept(batch);
          } catch (RuntimeException e) { // the sink has the batch: nothing here may undo or repeat that
            LOG.error("after delivery: {}", e.toString());
          }
        }
        current.acknowledge().run();
        boolean redo = current.redo();
        current = null;
        if (fresh && !redo) {
          break; // a retried or redone delivery is followed by what was recorded since
        }
      }
      backoffNanos = 0;
      nextAttemptNanos = 0;
      lastDeliveredNanos = System.nanoTime();
      if (!heldTake) { // a take held by a plan change delivered nothing of the journal
        deliveredOnce = true;
        firstDelivery.countDown();
      }
      return true;
    }
  }

  /**
   * Ends the current interval at the last quarter hour before the call at {@code atNanos}: what was
   * recorded so far completed before it (a call completing on another thread within the same
   * microseconds may land on either side). Once per quarter hour; the journal keeps its cut
   * durably with its positions, the in-memory counters are drained into records at once.
   */
  private void cut(long atNanos) {
    synchronized (cutLock) {
      if (atNanos < nextCutNanos) {
        return; // another thread cut first
      }
      // nothing recorded so far completed after the quarter hour this call passed (it would have cut)
      cutInterval(Instant.ofEpochSecond(0, Math.floorDiv(atNanos, CUT_NANOS) * CUT_NANOS));
      nextCutNanos = nextCut(atNanos);
    }
  }

  /**
   * The instant a plan change takes effect, now: from here until {@link #release()} deliveries
   * leave the open interval open (they deliver only what was cut before), so that the change's
   * {@link #cutAt(Instant)} there ends the interval the calls recorded meanwhile are in. Pair with
   * {@link #release()} in a {@code finally}.
   */
  public Instant hold() {
    synchronized (cutLock) {
      held++;
      return Instant.ofEpochSecond(0, time.epochNanos());
    }
  }

  /** Ends a {@link #hold()}: deliveries take the open interval again once no change holds it. */
  public void release() {
    synchronized (cutLock) {
      if (held > 0) {
        held--;
      }
    }
  }

  /** Ends every {@link #hold()} (closing: the last delivery takes everything). */
  public void releaseAll() {
    synchronized (cutLock) {
      held = 0;
    }
  }

  /**
   * Ends the current interval at {@code at} (a plan change's instant, at most now): what was recorded
   * so far is delivered in an interval that ends there, what is recorded from now on in one that
   * starts there. When the interval began at or after {@code at} already, nothing is cut: what it
   * holds is after the change. No delivery: the records wait for the next one; a journal appends the cut
   * to its file of cuts (one write of a line, forced only when every call is).
   */
  public void cutAt(Instant at) {
    long now = time.epochNanos();
    long atNanos = Math.min(now, TimeSource.epochNanos(at));
    synchronized (cutLock) {
      if (atNanos >= nextCutNanos) {
        cut(atNanos); // no interval spans a quarter hour: one passed before the change's instant ends there
      }
      cutInterval(Instant.ofEpochSecond(0, atNanos)); // the next call past a quarter hour after it cuts there
    }
  }

  private void cutInterval(Instant at) { // holding cutLock
    if (!at.isAfter(intervalStart)) {
      return; // a take or a cut at this instant already began the next interval
    }
    if (journal != null) {
      journal.cut(at, live); // with what was counted in memory while the journal could not be written
    } else {
      Aggregation agg = new Aggregation();
      live.drainInto(agg);
      cutRecords.addAll(agg.records(intervalStart, at));
    }
    intervalStart = at;
  }

  /**
   * Tells {@code passing} the instant (epoch nanos) up to which each delivery is about to take what was
   * recorded, before it takes it: the engine cuts usage at the plan changes that came due by then.
   */
  public void beforeTake(java.util.function.LongConsumer passing) {
    this.passing = java.util.Objects.requireNonNull(passing, "passing");
  }

  private volatile java.util.function.LongConsumer passing = nanos -> { };

  private UsageJournal.Delivery take(long nowNanos) {
    synchronized (cutLock) {
      heldTake = held > 0;
      if (heldTake) { // a plan change between its instant and its cut: the open interval stays open
        if (journal != null) {
          return new UsageJournal.Delivery(List.of(), () -> {}); // its cuts are delivered with the next take
        }
        List<UsageRecord> records = new java.util.ArrayList<>(cutRecords); // intervals ended before: theirs
        cutRecords.clear();
        return new UsageJournal.Delivery(records, () -> {});
      }
      Instant now = Instant.ofEpochSecond(0, nowNanos);
      if (journal != null) {
        return journal.take(now, live);
      }
      // intervals strictly increase, so no two records of one key share an id (UsageRecord.id)
      Instant to = now.isAfter(intervalStart) ? now : intervalStart.plusNanos(1);
      Aggregation agg = new Aggregation();
      live.drainInto(agg);
      List<UsageRecord> records = new java.util.ArrayList<>(cutRecords);
      cutRecords.clear();
      records.addAll(agg.records(intervalStart, to));
      intervalStart = to;
      return new UsageJournal.Delivery(records, () -> {});
    }
  }

  /** Records waiting for the sink. */
  public int pendingRecords() {
    synchronized (flushLock) {
      return current == null ? 0 : current.records().size() - taken;
    }
  }

  private volatile long lastDeliveredNanos = System.nanoTime();
  private volatile boolean deliveredOnce;

  private final java.util.concurrent.CountDownLatch firstDelivery = new java.util.concurrent.CountDownLatch(1);

  /** Whether a delivery of this run has completed (the first sends what an earlier run left in the journal). */
  public boolean deliveredOnce() {
    return deliveredOnce;
  }

  /** Waits at most {@code millis} for this run's first delivery; whether it has completed. */
  public boolean awaitFirstDelivery(long millis) {
    try {
      return firstDelivery.await(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return deliveredOnce;
    }
  }

  /** Nanoseconds since the sink last took everything pending (the delivery lag, when records wait). */
  public long nanosSinceDelivery() {
    return System.nanoTime() - lastDeliveredNanos;
  }

  /** How often the sink failed. */
  public long sinkFailures() {
    return failures.sum();
  }

  /** How many deliveries took what was recorded (for tests). */
  long deliveriesStarted() {
    synchronized (flushLock) {
      return takes;
    }
  }
}
