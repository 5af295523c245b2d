package dev.monetize.metering.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal's segment files: new ones are made by reusing a delivered segment (zeroed through its
 * mapping, then renamed: no new pages, no block allocation) or, when none is spare, created zeroed,
 * mapped and touched. The pool keeps at most as many spares as the last acknowledgement delivered
 * (at least two, at most its limit): what the coming interval will likely need, so the journal's disk
 * use at a steady rate stays about twice the volume of one flush interval; it gives the rest of the
 * disk back. The tag in each record's check makes a record of a file's earlier life fail the check
 * if a power failure loses the zeroing but not the rename. Spares left by a stopped process are
 * deleted when the journal opens.
 */
final class SegmentPool {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentPool.class);
  private static final byte[] ZEROS = new byte[64 << 10];

  /** A delivered segment kept for reuse: its file (renamed) and its still valid read-write mapping. */
  private record Spare(Path file, MappedByteBuffer buf) {}

  private final Path dir;
  private final int segmentBytes;
  private final int limit;
  private final ConcurrentLinkedQueue<Spare> spares = new ConcurrentLinkedQueue<>();
  private final AtomicLong names = new AtomicLong();
  private final LongAdder recycled = new LongAdder();
  /** How many spares the pool keeps; set by the flusher at each acknowledgement. */
  private volatile int keep = 2;

  SegmentPool(Path dir, int segmentBytes, int limit) {
    this.dir = dir;
    this.segmentBytes = segmentBytes;
    this.limit = limit;
  }

  /** A zeroed, mapped segment at {@code file}: a spare renamed there, or a new file. */
  MappedByteBuffer create(Path file) throws IOException {
    Spare spare = spares.poll();
    if (spare != null) {
      MappedByteBuffer reused = spare.buf();
      for (int at = 0; at < segmentBytes; at += ZEROS.length) {
        reused.put(at, ZEROS, 0, Math.min(ZEROS.length, segmentBytes - at));
      }
      try {
        Files.move(spare.file(), file); // only once zeroed: a crash before leaves a spare, deleted on open
        recycled.increment();
        return reused;
      } catch (IOException e) {
        LOG.warn("usage journal {}: cannot reuse {} ({}); creating a new segment", dir, spare.file(), e.toString());
        Files.deleteIfExists(spare.file());
      }
    }
    MappedByteBuffer mapped;
    boolean created = false;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE)) {
      created = true;
      ByteBuffer zeros = ByteBuffer.allocate(64 << 10);
      long written = 0;
      while (written < segmentBytes) {
        zeros.clear().limit((int) Math.min(zeros.capacity(), segmentBytes - written));
        written += ch.write(zeros, written);
      }
      mapped = ch.map(FileChannel.MapMode.READ_WRITE, 0, segmentBytes);
    } catch (IOException | RuntimeException e) {
      if (created) { // made here and holding nothing yet (a full disk, say): gone, so that the next try can make it
        try {
          Files.deleteIfExists(file);
        } catch (IOException again) {
          e.addSuppressed(again);
        }
      }
      throw e;
    }
    for (int page = 0; page < segmentBytes; page += 4096) {
      mapped.put(page, (byte) 0);
    }
    return mapped;
  }

  /**
   * A delivered segment: kept as a spare when the pool has room and the journal is open, else
   * deleted. Only the flusher retires; a concurrent reuse can only leave more room than it saw.
   */
  void retire(Path file, MappedByteBuffer mapped, boolean closed) throws IOException {
    if (mapped != null && !mapped.isReadOnly() && !closed && spares.size() < keep) {
      Path spare = dir.resolve("spare-" + names.incrementAndGet() + ".seg");
      Files.move(file, spare);
      spares.add(new Spare(spare, mapped));
      return;
    }
    Files.deleteIfExists(file);
  }

  /** The last acknowledgement delivered {@code delivered} segments: keep about that many spares. */
  void expect(int delivered) {
    keep = Math.max(2, Math.min(delivered, limit));
  }

  /** Deletes the spares beyond what the pool keeps (demand fell: the disk space goes back). */
  void shrink() {
    while (spares.size() > keep) {
      if (!deleteOne()) {
        break;
      }
    }
  }

  /** Deletes every spare (closing). */
  void deleteSpares() {
    while (deleteOne()) {
      // until none is left
    }
  }

  private boolean deleteOne() {
    Spare extra = spares.poll();
    if (extra == null) {
      return false;
    }
    try {
      Files.deleteIfExists(extra.file());
    } catch (IOException e) {
      LOG.debug("usage journal {}: spare {} not deleted ({}); the next open deletes it", dir, extra.file(),
          e.toString());
    }
    return true;
  }

  /** Segments made by reusing a spare. */
  long recycled() {
    return recycled.sum();
  }
}
