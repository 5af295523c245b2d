package dev.monetize.metering.internal;

import static dev.monetize.metering.internal.JournalRecords.tag;

import dev.monetize.metering.FsyncPolicy;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segments of a {@link UsageJournal}'s stripes: the next one prepared in the background while the
 * current one fills, the full ones handed back to the {@link SegmentPool} once delivered.
 */
final class JournalSegments {
  private static final Logger LOG = LoggerFactory.getLogger(UsageJournal.class);
  private final Path dir;
  private final FsyncPolicy fsync;
  private final int segmentBytes;
  private final SegmentPool pool;
  private final ExecutorService preparer = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "monetize-journal-segments");
    t.setDaemon(true);
    return t;
  });

  JournalSegments(Path dir, FsyncPolicy fsync, int segmentBytes, SegmentPool pool) {
    this.dir = dir;
    this.fsync = fsync;
    this.segmentBytes = segmentBytes;
    this.pool = pool;
  }

  /**
   * Starts the stripe's next segment, normally the one prepared in the background, then has the
   * one after it prepared. Only when that is not ready (the first roll, or appends outrunning the
   * preparer) is the segment created here, on the caller's thread.
   */
  void roll(JournalStripe s) throws IOException {
    if (s.buf != null && fsync.periodic()) {
      // the periodic fsync only sees current segments: force this one's tail, off the request path
      MappedByteBuffer full = s.buf;
      int written = s.offset;
      try {
        preparer.execute(() -> full.force(0, written));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        full.force(0, written); // closing: no background left
      }
    }
    long next = s.segment + 1;
    MappedByteBuffer buf = null;
    if (s.next != null) {
      try {
        buf = s.next.get(); // usually done; if not, it is writing the very file we need
        s.next = null;
      } catch (java.util.concurrent.ExecutionException e) {
        s.next = null;
        LOG.warn("usage journal {}: preparing segment {} failed ({}); creating it now", dir, s.file(next),
            e.getCause().toString());
        Files.deleteIfExists(s.file(next));
      } catch (InterruptedException e) {
        // s.next stays: the preparer still makes that file, and the next roll takes it from there
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the next journal segment", e);
      }
    }
    if (buf == null) {
      buf = pool.create(s.file(next));
    }
    s.buf = buf;
    s.segments.put(next, buf);
    s.segment = next;
    s.tag = tag(s.index, next);
    s.names.clear();
    s.offset = 0;
    s.committed = next * segmentBytes;
    Path after = s.file(next + 1);
    try {
      s.next = preparer.submit(() -> pool.create(after));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      s.next = null; // closing
    }
  }

  /**
   * The delivery acknowledged up to {@code acked}: each stripe's segments wholly before it (and not
   * the one being written) go back to the pool, kept as spares or deleted.
   */
  void retireDelivered(JournalStripe[] stripes, long[] acked, boolean closed) {
    long[] firstKept = new long[stripes.length];
    int delivered = 0;
    for (JournalStripe s : stripes) {
      long current;
      synchronized (s) {
        current = s.buf == null ? Long.MAX_VALUE : s.segment; // a segment of an earlier run is not being written
      }
      firstKept[s.index] = Math.min(acked[s.index] / segmentBytes, current);
      delivered += s.segments.headMap(firstKept[s.index]).size();
    }
    pool.expect(delivered); // what the next interval likely needs
    for (JournalStripe s : stripes) {
      for (Long seg : s.segments.headMap(firstKept[s.index]).keySet()) {
        try {
          pool.retire(s.file(seg), s.segments.get(seg), closed);
          s.segments.remove(seg); // only once its file is gone: a failure is retried next time
        } catch (IOException e) {
          LOG.warn("usage journal segment {} is delivered but cannot be deleted: {}", s.file(seg), e.toString());
        }
      }
    }
    pool.shrink();
  }

  /** Runs {@code task} on the preparer's thread after what is queued there (for tests). */
  Future<?> onPreparer(Runnable task) {
    return preparer.submit(task);
  }

  /** Segments made by reusing a delivered one rather than by creating a file. */
  long recycled() {
    return pool.recycled();
  }

  /** Closing: lets a segment being prepared finish (rather than leave half a file), then deletes the spares. */
  void finish() {
    preparer.shutdown();
    try {
      preparer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    pool.deleteSpares();
  }

  /**
   * Stops the preparer and waits for it: nothing of ours may touch the directory once its lock is gone
   * (a segment still being prepared would appear under the next engine's feet, which then cannot create it).
   */
  void stop() {
    preparer.shutdownNow();
    try {
      if (!preparer.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.warn("usage journal {}: the segment preparer did not stop within 30 s", dir);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
