package dev.monetize.audit.internal;

import dev.monetize.audit.AuditEvent;
import dev.monetize.audit.AuditOverflow;
import dev.monetize.audit.AuditSink;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounded, lock-free hand-off of audit events from request threads to one background thread that
 * delivers them in batches. When the bound is reached the {@link AuditOverflow} policy decides;
 * overflows and sink failures are counted and logged at most once per ten seconds.
 *
 * <p>Internal: use {@code Monetize}.
 */
public final class AsyncAuditDispatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AsyncAuditDispatcher.class);
  private static final int BATCH = 512;

  /**
   * Events, or what an event is built from later ({@link #submitLater}): a bounded array whose offer
   * allocates nothing and takes no lock. {@link #size} keeps the bound exact (the array's capacity is
   * the next power of two).
   */
  private final org.jctools.queues.MpscArrayQueue<Object> queue;
  /**
   * Items in the queue, at {@link #SIZE} of an array of otherwise unused slots: the one counter both
   * the request threads and the delivery thread write sits alone on its cache line, so its updates
   * do not evict the fields the request threads read (the delivery thread takes a batch, then
   * subtracts it once).
   */
  private final java.util.concurrent.atomic.AtomicIntegerArray size = new java.util.concurrent.atomic.AtomicIntegerArray(
      2 * SIZE + 1);
  private static final int SIZE = 16; // 64 bytes of unused slots on either side
  /** What the delivery thread takes from the queue before building its events (its own, like the chain). */
  private final Object[] taken = new Object[BATCH];
  private final int capacity;
  /** Builds the event of an item handed to {@link #submitLater}, on the delivery thread. */
  private volatile EventBuilder later = EventBuilder.EVENTS;
  private final AuditOverflow overflow;
  private final AuditSink sink;
  private final AuditChain chain = new AuditChain();
  private final RefusalTally refusals = new RefusalTally();
  private final QueryRedaction redaction;
  /** Where events wait for a durable sink that cannot take them now; null: none. */
  private final AuditSpill spill;
  private final LongAdder spilled = new LongAdder();
  private long lastReplay;
  private long tallied = System.nanoTime();
  private final LongAdder dropped = new LongAdder();
  /**
   * Of {@link #dropped}, those a full queue dropped: warned of by the delivery thread, and now and
   * then by a request thread that drops one (no clock read per dropped event).
   */
  private final LongAdder queueFull = new LongAdder();
  private volatile long queueFullWarned;
  private final LongAdder sinkFailures = new LongAdder();
  private final dev.monetize.internal.LogThrottle warnings =
      new dev.monetize.internal.LogThrottle(java.time.Duration.ofSeconds(10));
  private final Thread worker;
  private volatile boolean running = true;

  /** Starts the delivery thread; a full queue drops events, query values are hashed under a random key. */
  public AsyncAuditDispatcher(AuditSink sink, int capacity, AuditOverflow overflow) {
    this(sink, capacity, overflow, java.util.Optional.empty(), QueryRedaction.random());
  }

  /**
   * Starts the delivery thread, first delivering what a previous run left in {@code spillDirectory}.
   *
   * @param overflow what a full queue does; {@link AuditOverflow#SPILL} needs {@code spillDirectory},
   *     which also keeps the batches a {@linkplain AuditSink#durable() durable} sink failed to take
   */
  public AsyncAuditDispatcher(AuditSink sink, int capacity, AuditOverflow overflow,
      java.util.Optional<java.nio.file.Path> spillDirectory, QueryRedaction redaction) {
    if (overflow == AuditOverflow.SPILL && spillDirectory.isEmpty()) {
      throw new IllegalArgumentException("AuditOverflow.SPILL needs a directory: set MonetizeBuilder.usageJournal(...)");
    }
    if (capacity < 1) {
      throw new IllegalArgumentException("the audit queue holds at least one event, got " + capacity);
    }
    this.sink = sink;
    this.capacity = capacity;
    this.queue = new org.jctools.queues.MpscArrayQueue<>(Math.max(2, capacity));
    this.overflow = overflow;
    this.redaction = redaction;
    this.spill = spillDirectory.map(AuditSpill::new).orElse(null);
    this.worker = new Thread(this::run, "monetize-audit");
    this.worker.setDaemon(true);
    this.worker.start();
  }

  /**
   * Hands an event off; never blocks (unless the policy is {@link AuditOverflow#CALLER_RUNS}). A
   * refusal of no identified customer is counted with its kind and written once a minute
   * ({@link RefusalTally}).
   */
  public void submit(AuditEvent event) {
    if (RefusalTally.counts(event)) {
      refusals.add(event);
      return;
    }
    if (enqueue(event)) {
      return;
    }
    overflow(event);
  }

  /**
   * Hands off what the event of a request is built from, as {@link #submit} would hand off the event
   * (the same bound and overflow policy); the event is built on the delivery thread by the function
   * given to {@link #buildLater}, so the request thread allocates nothing here. {@code item} must not
   * change once handed off.
   */
  public void submitLater(Object item) {
    if (enqueue(item)) {
      return;
    }
    if (overflow == AuditOverflow.DROP) { // nothing to build for an event that is dropped
      dropOne();
      return;
    }
    overflow(later.unchained(item));
  }

  /** The clock the refusals' minutes are read on: the engine's, which stamps the requests. */
  private volatile java.util.function.Supplier<Instant> clock = Instant::now;

  /** Reads the minutes of counted refusals on {@code clock} (the engine's time source). */
  public void clock(java.util.function.Supplier<Instant> clock) {
    this.clock = java.util.Objects.requireNonNull(clock, "clock");
  }

  /** How the items given to {@link #submitLater} become events. */
  public void buildLater(EventBuilder builder) {
    this.later = java.util.Objects.requireNonNull(builder, "builder");
  }

  private boolean enqueue(Object item) {
    if (size.incrementAndGet(SIZE) <= capacity) {
      if (queue.offer(item)) {
        return true;
      }
    }
    size.decrementAndGet(SIZE);
    return false;
  }

  private void overflow(AuditEvent event) {
    if (overflow == AuditOverflow.CALLER_RUNS) {
      deliver(List.of(event));
      return;
    }
    if (overflow == AuditOverflow.SPILL) {
      if (!spill(List.of(event))) { // the spill is full (or its disk failed): the caller delivers it
        deliver(List.of(event));
      }
      return;
    }
    dropOne();
  }

  private void dropOne() {
    queueFull.increment();
    // the delivery thread warns of it, unless a hung sink holds it: then about one drop in a thousand
    // looks at the clock and warns from here (the warning is rate-limited either way)
    if ((java.util.concurrent.ThreadLocalRandom.current().nextInt() & 1_023) == 0) {
      warnOfFullQueue();
    }
  }

  /**
   * Counts the refusal of a caller never identified, without building its event (a flood of bad
   * credentials allocates nothing here once its group exists): as {@link #submit} would count it.
   */
  public void countRefusal(long epochNanos, String remoteAddress, String operation, String code, int status,
      String requestId, String method, String path) {
    // counted per client as the shield counts them: an IPv6 /64 is one client (it could rotate addresses)
    String client = dev.monetize.http.Cidr.clientKey(remoteAddress);
    refusals.add(Math.floorDiv(epochNanos, 60_000_000_000L), client, operation, code, status, requestId, method, path);
  }

  /**
   * Counts a known customer's refusal by its limits instead of writing it, past the first few of its
   * key, operation and code this minute ({@link RefusalTally#addKnown}); false: write it on its own.
   */
  public boolean countKnownRefusal(long epochNanos, String customer, String key, String remoteAddress,
      String operation, String code, int status, String requestId, String method, String path) {
    return refusals.addKnown(Math.floorDiv(epochNanos, 60_000_000_000L), customer, key, remoteAddress, operation, code,
        status, requestId, method, path);
  }

  /** Events dropped because the queue was full. */
  public long dropped() {
    return dropped.sum() + queueFull.sum();
  }

  /** Events written to the spill directory (to be delivered later). */
  public long spilled() {
    return spilled.sum();
  }

  /** Events waiting in the bounded queue. */
  public int queued() {
    return Math.max(0, size.get(SIZE));
  }

  /** How query parameters are redacted in events. */
  public QueryRedaction redaction() {
    return redaction;
  }

  /** Batches the sink failed to take. */
  public long sinkFailures() {
    return sinkFailures.sum();
  }

  /**
   * Delivers everything queued so far on the calling thread; returns once any delivery the
   * background thread has in progress is finished too.
   */
  public synchronized void drain() {
    List<AuditEvent> batch = new ArrayList<>(batchSize());
    EventBuilder build = later;
    boolean chainHere = !sink.chains(); // chained as each event is made: one event per item, not two
    while (true) {
      int n = 0;
      Object item;
      while (n < BATCH && (item = queue.poll()) != null) {
        taken[n++] = item;
      }
      size.addAndGet(SIZE, -n); // room again for what was taken, in one write
      int i = 0;
      try {
        for (; i < n; i++) {
          item = taken[i];
          taken[i] = null; // the queue's items are not kept here beyond their event
          build(item, build, chainHere, batch);
        }
      } finally {
        if (i < n) { // an Error escaped building item i: it and the items after it are counted as dropped
          dropped.add(n - i);
          java.util.Arrays.fill(taken, i, n, null);
        }
      }
      if (n == 0) {
        return; // nothing left to take: every batch taken so far is delivered
      }
      if (!batch.isEmpty()) {
        deliver(batch);
        batch = new ArrayList<>(batchSize());
      }
    }
  }

  /** The event of one taken item into {@code batch} (or the refusal tally); a failure drops it, counted. */
  private void build(Object item, EventBuilder build, boolean chainHere, List<AuditEvent> batch) {
    try {
      AuditEvent e = item instanceof AuditEvent ev ? ev
          : chainHere ? chain.build(item, build) : build.unchained(item);
      if (RefusalTally.counts(e)) {
        refusals.add(e);
      } else {
        batch.add(e);
      }
    } catch (RuntimeException ex) { // never stops delivery: the event is counted as dropped
      dropped.increment();
      warn("audit event could not be built: {}", ex.toString());
    }
  }

  /** Room for what is queued now, up to a whole batch: a few events do not take a batch's array. */
  private int batchSize() {
    return Math.min(BATCH, Math.max(1, size.get(SIZE)));
  }

  /**
   * Delivers everything queued, every refusal counted so far, and what waits in the spill directory,
   * on the calling thread.
   */
  public synchronized void flush() {
    drain();
    writeRefusals(true);
    replaySpill();
  }

  private void run() {
    while (running) {
      try {
        if (System.nanoTime() - tallied >= TimeUnit.SECONDS.toNanos(1)) { // last minute's refusals, once counted
          tallied = System.nanoTime();
          writeRefusals(false);
        }
        if (spill != null && System.nanoTime() - lastReplay >= TimeUnit.SECONDS.toNanos(1)) {
          lastReplay = System.nanoTime(); // once a second, whatever the queue holds: spilled events wait no longer
          spill.force();
          replaySpill();
        }
        warnOfFullQueue();
        if (queue.isEmpty()) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        } else {
          drainQuietly();
        }
      } catch (Throwable t) { // the delivery thread never dies: an error is logged and the loop goes on
        warn("audit delivery thread: {}", t.toString());
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      }
    }
  }

  /** Warns (at most every ten seconds, as every warning here) once a full queue has dropped events. */
  private void warnOfFullQueue() {
    long full = queueFull.sum();
    if (full != queueFullWarned
        && warn("audit queue full ({} events): dropped {} events so far; use a faster sink or AuditOverflow.CALLER_RUNS",
            capacity, dropped())) {
      queueFullWarned = full; // only once said: a warning the rate limit held back is said later
    }
  }

  private void writeRefusals(boolean all) {
    List<AuditEvent> counted = refusals.drain(clock.get(), all);
    if (!counted.isEmpty()) {
      deliver(counted);
    }
  }

  private void drainQuietly() {
    drain();
  }

  private void deliver(List<AuditEvent> batch) {
    try {
      send(batch);
    } catch (Exception | LinkageError e) {
      sinkFailures.increment();
      boolean kept = sink.durable() && spill(batch);
      if (!kept && sink.durable()) {
        dropped.add(batch.size());
      }
      warn("audit sink {} failed ({} batches so far; {}): {}", sink.getClass().getName(), sinkFailures.sum(),
          kept ? "kept in the spill directory" : "events lost", e.toString());
    }
  }

  /** Each tenant's events linked into its hash chain in delivery order, unless the sink chains them itself. */
  private void send(List<AuditEvent> batch) throws Exception {
    if (sink.chains()) {
      sink.accept(batch);
    } else {
      chain.deliver(batch, sink);
    }
  }

  /** Whether {@code events} were written to the spill directory. */
  private boolean spill(List<AuditEvent> events) {
    if (spill == null) {
      return false;
    }
    try {
      if (spill.append(events)) {
        spilled.add(events.size());
        return true;
      }
      warn("audit spill directory is full (1 GiB): events are delivered on the request thread until it drains");
      return false;
    } catch (java.io.IOException | RuntimeException e) {
      warn("audit spill directory failed: {}", e.toString());
      return false;
    }
  }

  private synchronized void replaySpill() {
    if (spill == null || !spill.pending()) {
      return;
    }
    try {
      spill.replay(this::send);
    } catch (java.io.IOException | RuntimeException e) {
      warn("audit events kept in the spill directory wait for the sink: {}", e.toString());
    }
  }

  /** Logs at most one warning every ten seconds; whether this one was logged. */
  private boolean warn(String format, Object... args) {
    if (warnings.due()) {
      LOG.warn(format, args);
      return true;
    }
    return false;
  }

  /** Stops the thread after delivering what is queued. */
  @Override
  public void close() {
    running = false;
    LockSupport.unpark(worker);
    try {
      worker.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    drainQuietly();
    writeRefusals(true);
    if (spill != null) {
      replaySpill();
      spill.force();
    }
  }
}
