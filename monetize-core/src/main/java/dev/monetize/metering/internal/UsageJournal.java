package dev.monetize.metering.internal;

import static dev.monetize.metering.internal.JournalRecords.CALL;
import static dev.monetize.metering.internal.JournalRecords.HEADER;
import static dev.monetize.metering.internal.JournalRecords.MAX_UNITS;
import static dev.monetize.metering.internal.JournalRecords.callBound;
import static dev.monetize.metering.internal.JournalRecords.putVar;

import dev.monetize.metering.FsyncPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local append-only usage journal: every metered call is written here before its response
 * completes, into a memory-mapped segment, so a killed process loses nothing the operating system
 * already holds.
 *
 * <p><b>Layout.</b> The directory holds {@code stripes} independent logs ({@link JournalStripe}); a
 * call goes to the log of its thread's stripe, under that stripe's lock only (no global lock). Each
 * log is a sequence of fixed-size segment files; a position in a log is
 * {@code segment * segmentBytes + offset}. The record format is {@link JournalRecords}'s; segments
 * come from the {@link SegmentPool}. A process killed during an append leaves at most one torn record,
 * the last of its segment, which the reader ({@link JournalReader}) detects, logs and skips. After a
 * restart every log starts a new segment, after everything acknowledged or promised
 * ({@link JournalDirectory}, which also keeps the meta and state files).
 *
 * <p><b>Delivery without loss or double count.</b> The flusher aggregates the records between the
 * acknowledged positions and the current ones. Before delivering, it writes (and forces) an
 * <em>intent</em>: the interval {@code [from, to)} and the end positions. After the sink accepts,
 * it writes the new acknowledged positions and retires the segments the sink has entirely (reused
 * or deleted, see below). A crash
 * between the two redoes exactly the intent, with the same interval, hence the same record ids
 * ({@link dev.monetize.metering.UsageRecord#id()}), which the sink deduplicates.
 *
 * <p>The state file is always forced (two small writes per flush), whatever the fsync policy: a
 * state that went back in time after a power failure could otherwise re-deliver acknowledged calls
 * under new ids.
 */
public final class UsageJournal implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UsageJournal.class);
  /** The largest default segment: 8 MiB, about 350,000 calls. */
  public static final int DEFAULT_SEGMENT_BYTES = 8 << 20;
  /** What the stripes' current and prepared segments take together by default: 64 MiB. */
  static final long DEFAULT_LIVE_BYTES = 64L << 20;
  /** At most this much delivered segment space is kept for reuse. */
  static final long MAX_SPARE_BYTES = 256L << 20;

  private final Path dir;
  private final FsyncPolicy fsync;
  private final int segmentBytes;
  private final JournalStripe[] stripes;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final JournalReader reader;
  private final LongAdder appendFailures = new LongAdder();
  private final dev.monetize.internal.LogThrottle failureLog =
      new dev.monetize.internal.LogThrottle(java.time.Duration.ofSeconds(10));
  private final JournalSegments segments;
  // the delivery state; only the flusher (under the meter's lock) reads and writes it
  private Instant from;
  private long[] acked;
  private JournalDirectory.Intent intent;
  private volatile boolean closed;

  private UsageJournal(Path dir, FsyncPolicy fsync, Instant now, int segmentBytes, int stripeCount,
      FileChannel lockChannel, FileLock lock) throws IOException {
    this.dir = dir;
    this.segments = new JournalSegments(dir, fsync, segmentBytes,
        new SegmentPool(dir, segmentBytes, (int) Math.max(2, MAX_SPARE_BYTES / segmentBytes)));
    this.fsync = fsync;
    this.segmentBytes = segmentBytes;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.stripes = new JournalStripe[stripeCount];
    this.reader = new JournalReader(dir, segmentBytes, stripes);
    JournalDirectory.State state = JournalDirectory.readState(dir, stripeCount, now);
    from = state.from();
    acked = state.acked();
    intent = state.intent();
    List<JournalCuts.Cut> earlierCuts = new java.util.ArrayList<>();
    cutLog = JournalCutLog.open(dir, stripeCount, fsync.perCall(), now, earlierCuts);
    long[] delivered = intent == null ? acked : intent.end();
    Instant deliveredTo = intent == null ? from : intent.to();
    earlierCuts.removeIf(c -> {
      boolean behind = c.at().isAfter(deliveredTo) && !JournalCuts.covers(c.end(), delivered);
      if (behind) { // would deliver again what was delivered
        LOG.error("usage journal {}: the cut at {} in {} ends before what was delivered and is skipped", dir, c.at(),
            JournalCutLog.FILE);
      }
      return behind;
    });
    for (JournalCuts.Cut c : earlierCuts) {
      cuts.add(c); // earlier runs' quarter hours and plan changes; those delivered past are skipped
    }
    if (!Files.exists(dir.resolve(JournalDirectory.STATE))) {
      // a new journal says when it began at once: calls of a run killed before its first delivery are
      // delivered by the next in an interval that starts here, not when the next run opened it
      try {
        JournalDirectory.writeState(dir, from, acked, null);
      } catch (UncheckedIOException e) { // a full disk: written with the first delivery, as before
        LOG.warn("usage journal {}: its start cannot be written yet ({}); a crash before the first delivery "
            + "delivers this run's calls as of the next start", dir, e.getCause().toString());
      }
    }
    long[] reached = new long[stripeCount];
    for (int i = 0; i < stripeCount; i++) {
      reached[i] = Math.max(acked[i], intent == null ? 0 : intent.end()[i]);
      for (JournalCuts.Cut c : earlierCuts) { // a segment lost with the power: new calls go after every cut
        reached[i] = Math.max(reached[i], c.end()[i]);
      }
    }
    try {
      JournalDirectory.openStripes(dir, segmentBytes, reached, stripes);
    } catch (IOException | RuntimeException e) {
      cutLog.close();
      throw e;
    }
  }

  /**
   * Opens (creating if needed) the journal in {@code dir}, with two stripes per processor rounded
   * to a power of two (at least 4, at most 32) and segments sized so that every stripe's current
   * and prepared segment take 64 MiB together ({@link #defaultSegmentBytes}), unless the directory
   * already says otherwise.
   *
   * @throws IllegalStateException when another process (or another engine in this JVM) uses it
   * @throws UncheckedIOException when the directory cannot be created or read
   */
  public static UsageJournal open(Path dir, FsyncPolicy fsync, Instant now) {
    int stripes = Math.max(4, Math.min(32, Integer.highestOneBit(Runtime.getRuntime().availableProcessors() * 2)));
    return open(dir, fsync, now, defaultSegmentBytes(stripes), stripes);
  }

  /**
   * The segment size for {@code stripes} stripes: 64 MiB over two segments per stripe, at most
   * {@link #DEFAULT_SEGMENT_BYTES} and at least 1 MiB (8 MiB for 4 stripes, 1 MiB for 32: more
   * stripes means each one sees a smaller share of the calls).
   */
  static int defaultSegmentBytes(int stripes) {
    return (int) Math.max(1 << 20, Math.min(DEFAULT_SEGMENT_BYTES, DEFAULT_LIVE_BYTES / (2L * stripes)));
  }

  static UsageJournal open(Path dir, FsyncPolicy fsync, Instant now, int segmentBytes, int stripes) {
    FileChannel lockChannel = null;
    try {
      Files.createDirectories(dir);
      lockChannel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = lockChannel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new IllegalStateException("the usage journal in " + dir + " is in use by another process (or another"
            + " engine in this JVM); give each instance its own directory (MonetizeBuilder.usageJournal)");
      }
      int[] layout = JournalDirectory.layout(dir, segmentBytes, stripes);
      segmentBytes = layout[0];
      stripes = layout[1];
      return new UsageJournal(dir, fsync, now, segmentBytes, stripes, lockChannel, lock);
    } catch (IOException e) {
      JournalFiles.closeQuietly(lockChannel);
      throw new UncheckedIOException("cannot open the usage journal in " + dir + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      JournalFiles.closeQuietly(lockChannel);
      if (e instanceof IllegalStateException) {
        throw e;
      }
      throw new IllegalStateException("the usage journal in " + dir + " has an unreadable meta, state or cuts file ("
          + e + "); move the directory aside to start a new one", e);
    }
  }

  /**
   * Appends one call with every quantity. Returns false (and logs) when the journal cannot be
   * written, so the caller meters the call in memory instead; never throws for valid input.
   *
   * @throws IllegalArgumentException when a name is longer than 65,535 UTF-8 bytes or a call
   *     reports more than 255 custom units
   */
  public boolean append(String customerId, String keyId, String operationId, int status, boolean overage,
      long bytesIn, long bytesOut, long micros, long cpuMicros, Map<String, Long> units) {
    if (units.size() > MAX_UNITS) {
      throw new IllegalArgumentException("a call reports " + units.size() + " custom units; the usage journal takes"
          + " at most " + MAX_UNITS);
    }
    JournalStripe s = stripes[(int) (Thread.currentThread().getId() % stripes.length)];
    synchronized (s) {
      try {
        if (closed) {
          return false;
        }
        Integer c = s.names.get(customerId);
        Integer k = s.names.get(keyId);
        Integer o = s.names.get(operationId);
        int need = HEADER + callBound(units.size());
        if (c == null || k == null || o == null || !units.isEmpty()) {
          need += JournalStripe.newNameBytes(s, customerId, keyId, operationId, units);
        }
        if (s.buf == null || s.offset + need > segmentBytes) {
          int fresh = HEADER + callBound(units.size()) + JournalStripe.newNameBytes(null, customerId, keyId, operationId, units);
          if (fresh > segmentBytes) {
            throw new IllegalArgumentException("a usage record of " + fresh + " bytes does not fit a journal segment"
                + " of " + segmentBytes + " bytes");
          }
          segments.roll(s); // a new segment starts a new dictionary
          need = fresh;
          c = null;
          k = null;
          o = null;
        }
        int cr = c != null ? c : s.ref(customerId, fsync.perCall());
        int kr = k != null ? k : s.ref(keyId, fsync.perCall());
        int or = o != null ? o : s.ref(operationId, fsync.perCall());
        if (!units.isEmpty()) {
          for (String unit : units.keySet()) {
            s.ref(unit, fsync.perCall()); // every name is written before the call record that uses it
          }
        }
        byte[] w = s.scratch(need);
        int at = 0;
        w[at++] = CALL;
        at = putVar(w, at, cr);
        at = putVar(w, at, kr);
        at = putVar(w, at, or);
        at = putVar(w, at, status);
        w[at++] = (byte) (overage ? 1 : 0);
        at = putVar(w, at, bytesIn);
        at = putVar(w, at, bytesOut);
        at = putVar(w, at, micros);
        at = putVar(w, at, cpuMicros);
        at = putVar(w, at, units.size());
        if (!units.isEmpty()) {
          for (Map.Entry<String, Long> u : units.entrySet()) {
            at = putVar(w, at, s.names.get(u.getKey()));
            at = putVar(w, at, u.getValue());
          }
        }
        s.write(at, fsync.perCall());
        s.committed = s.segment * segmentBytes + s.offset; // the call and the names it uses, together
        return true;
      } catch (IOException | UncheckedIOException e) {
        appendFailures.increment();
        if (failureLog.due()) { // a full disk fails every call
          LOG.error("usage journal {} cannot be written ({}); calls are metered in memory only until it can "
              + "({} so far; said once every 10 s)", dir, e.toString(), appendFailures.sum());
        }
        return false;
      }
    }
  }

  /**
   * Forces what was written to every stripe's current segment to the disk (the periodic fsync).
   * Only the written part: the pages ahead stay as prepared, writable without a fault.
   */
  public void force() {
    try { // the cuts first: a call after a cut is never on the disk without the cut
      cutLog.force();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot force the usage journal's cuts in " + dir, e);
    }
    for (JournalStripe s : stripes) {
      MappedByteBuffer b;
      int written;
      synchronized (s) {
        b = s.buf;
        written = s.offset;
      }
      if (b != null && written > 0 && !closed) {
        b.force(0, written);
      }
    }
  }

  /**
   * What the next delivery holds: the redo of an unacknowledged intent (after a crash), or the
   * records appended since the last acknowledgement plus whatever {@code fallback} counted, as
   * records over {@code [from, max(now, from + 1 ns))}. The intent is forced to the disk before
   * this returns.
   */
  Delivery take(Instant now, LiveCounters fallback) {
    JournalCuts.Cut cut = intent == null ? cuts.next(from) : null;
    boolean passed = false;
    while (cut != null && cut.emptyAfter(acked)) {
      stateBehind = true; // until saved, the file of cuts keeps the cuts passed here
      from = cut.at(); // nothing appended before it: the next interval starts there
      passed = true;
      cuts.remove(cut);
      cut = cuts.next(from);
    }
    if (cut != null) {
      // what was appended (or counted in memory) before a quarter hour goes in an interval that ends there
      JournalDirectory.Intent next = new JournalDirectory.Intent(cut.at(), cut.end());
      saveState(next); // if this throws, the cut stays for the next take
      cuts.remove(cut);
      intent = next;
      Aggregation agg = cut.counted();
      reader.read(acked, cut.end(), agg);
      compactCuts();
      return new Delivery(agg.records(from, cut.at()), this::acknowledge, true);
    }
    if (intent != null) {
      Aggregation agg = new Aggregation();
      reader.read(acked, intent.end(), agg);
      LOG.info("usage journal {}: redelivering an unacknowledged interval {}..{}", dir, from, intent.to());
      return new Delivery(agg.records(from, intent.to()), this::acknowledge, true);
    }
    long[] end = committed();
    Instant to = now.isAfter(from) ? now : from.plusNanos(1);
    boolean moved = !Arrays.equals(acked, end);
    if (passed && !moved) {
      saveStateIfPossible();
    }
    Aggregation agg = new Aggregation();
    if (moved) {
      JournalDirectory.Intent next = new JournalDirectory.Intent(to, end);
      saveState(next); // durable before anything is delivered; if this throws, nothing was taken
      intent = next;
      reader.read(acked, end, agg);
    }
    compactCuts();
    fallback.drainInto(agg);
    if (agg.isEmpty()) {
      acknowledge();
      return new Delivery(List.of(), () -> {});
    }
    if (!moved) {
      intent = new JournalDirectory.Intent(to, end); // calls counted in memory only: nothing in the journal to redo
    }
    return new Delivery(agg.records(from, to), this::acknowledge);
  }

  private final JournalCuts cuts = new JournalCuts(); // guarded, as take is, by the meter's cut lock

  /**
   * A quarter hour passed, or a plan change took effect, at {@code at}: what was committed so far, and
   * what {@code fallback} counted when the journal could not be written, goes in an interval ending there.
   */
  void cut(Instant at, LiveCounters fallback) {
    Aggregation counted = new Aggregation();
    fallback.drainInto(counted);
    JournalCuts.Cut cut = new JournalCuts.Cut(at, committed(), counted);
    cuts.add(cut);
    cutLog.append(cut); // before any call after it is journaled: the caller holds the meter's cut lock, which they wait for
    compactCuts();
  }

  private final JournalCutLog cutLog;

  private long[] committed() { // what every stripe has committed
    long[] end = new long[stripes.length];
    for (int i = 0; i < stripes.length; i++) {
      end[i] = stripes[i].committed;
    }
    return end;
  }

  /** The sink has the intent's records: move the acknowledged positions and drop whole segments. */
  private void acknowledge() {
    if (intent == null) {
      return;
    }
    boolean moved = !Arrays.equals(acked, intent.end());
    stateBehind = true;
    from = intent.to();
    acked = intent.end();
    intent = null;
    if (moved) {
      saveState(null);
      segments.retireDelivered(stripes, acked, closed);
    } else {
      saveStateIfPossible(); // calls counted in memory only: the next interval starts at its end all the same
    }
  }

  /** Saves where delivery stands when nothing depends on it but where the next interval starts. */
  private void saveStateIfPossible() {
    try {
      saveState(null);
    } catch (UncheckedIOException e) { // a full disk: a crash before the next save starts an interval earlier
      LOG.debug("usage journal {}: the state cannot be written ({})", dir, e.getCause().toString());
    }
  }

  /** Torn records skipped while reading. */
  public long tornRecords() {
    return reader.tornRecords();
  }

  /** Appends that failed (the calls were metered in memory instead). */
  public long appendFailures() {
    return appendFailures.sum();
  }

  /** Runs {@code task} on the segment preparer's thread after what is queued there (for tests). */
  java.util.concurrent.Future<?> onPreparer(Runnable task) {
    return segments.onPreparer(task);
  }

  /** Segments made by reusing a delivered one rather than by creating a file. */
  public long recycledSegments() {
    return segments.recycled();
  }

  /** The segment files currently on disk, all stripes. */
  public int segmentFiles() {
    int n = 0;
    for (JournalStripe s : stripes) {
      n += s.segments.size();
    }
    return n;
  }

  /** The directory. */
  public Path directory() {
    return dir;
  }

  /** Forces what was written (unless the policy is never) and releases the directory. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    if (fsync.forces()) {
      force();
    }
    segments.finish();
    release();
  }

  /** Releases the directory without forcing or delivering anything: what a crash leaves behind. */
  void release() {
    for (JournalStripe s : stripes) {
      synchronized (s) {
        closed = true;
      }
    }
    cutLog.close();
    segments.stop();
    try {
      lock.release();
    } catch (IOException e) {
      LOG.warn("cannot release the lock of usage journal {}: {}", dir, e.toString());
    }
    JournalFiles.closeQuietly(lockChannel);
  }

  private void saveState(JournalDirectory.Intent pending) {
    JournalDirectory.writeState(dir, from, acked, pending);
    stateBehind = false;
  }

  /**
   * Whether where delivery stands moved in memory since the state was written: the file of cuts is not
   * rewritten meanwhile, since the cuts passed are in neither the state nor the cuts still to deliver.
   */
  private volatile boolean stateBehind;

  private void compactCuts() {
    if (!stateBehind) {
      cutLog.compact(cuts);
    }
  }

  /** Records to deliver and what to do once the sink has them. */
  record Delivery(List<dev.monetize.metering.UsageRecord> records, Runnable acknowledge, boolean redo) {
    Delivery(List<dev.monetize.metering.UsageRecord> records, Runnable acknowledge) {
      this(records, acknowledge, false);
    }
  }
}
