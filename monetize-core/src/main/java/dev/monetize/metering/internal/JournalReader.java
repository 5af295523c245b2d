package dev.monetize.metering.internal;

import static dev.monetize.metering.internal.JournalRecords.HEADER;
import static dev.monetize.metering.internal.JournalRecords.MIN_PAYLOAD;
import static dev.monetize.metering.internal.JournalRecords.checksumOk;
import static dev.monetize.metering.internal.JournalRecords.decodeSafely;
import static dev.monetize.metering.internal.JournalRecords.tag;

import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the journal's logs back (the flusher, under the meter's lock): aggregates the calls between
 * two positions of every stripe, skipping and counting torn records.
 */
final class JournalReader {
  private static final Logger LOG = LoggerFactory.getLogger(UsageJournal.class);

  private final Path dir;
  private final int segmentBytes;
  private final JournalStripe[] stripes;
  private final Set<String> tornLogged = new HashSet<>();
  private final LongAdder tornRecords = new LongAdder();

  JournalReader(Path dir, int segmentBytes, JournalStripe[] stripes) {
    this.dir = dir;
    this.segmentBytes = segmentBytes;
    this.stripes = stripes;
  }

  /**
   * Aggregates the calls of each log between {@code from[i]} and {@code to[i]}. A segment's names
   * are defined before their first use in it, so a read that starts mid-segment first scans the
   * name records before its start (unless it scanned them already: the usual case of a read that
   * goes on where the previous one stopped).
   */
  void read(long[] fromPos, long[] toPos, Aggregation into) {
    JournalRecords.Cursor c = new JournalRecords.Cursor();
    for (JournalStripe s : stripes) {
      long pos = fromPos[s.index];
      long end = toPos[s.index];
      while (pos < end) {
        long seg = pos / segmentBytes;
        int from = (int) (pos % segmentBytes);
        MappedByteBuffer mapped = s.segments.get(seg);
        if (mapped == null) {
          pos = (seg + 1) * segmentBytes;
          continue;
        }
        if (s.readSegment != seg) {
          s.readSegment = seg;
          s.readScanned = 0;
          s.readNames.clear();
        }
        ByteBuffer b = mapped.duplicate(); // reads are absolute; nobody moves the mapped buffer's position
        int tag = tag(s.index, seg);
        int off = Math.min(s.readScanned, from);
        while (seg * segmentBytes + off < end && off + HEADER <= segmentBytes) {
          int length = b.getInt(off);
          if (length == 0) {
            break;
          }
          if (length < MIN_PAYLOAD || length > segmentBytes - off - HEADER || !checksumOk(b, off, length, tag)
              || !decodeSafely(b, off + HEADER, off >= from, s.readNames, into, c)) {
            torn(s, seg, off);
            break;
          }
          off += HEADER + length;
        }
        s.readScanned = Math.max(s.readScanned, off);
        long here = seg * segmentBytes + off;
        pos = here >= end ? end : (seg + 1) * segmentBytes;
      }
    }
  }

  private void torn(JournalStripe s, long seg, int off) {
    if (tornLogged.add(s.index + "/" + seg + "/" + off)) {
      tornRecords.increment();
      LOG.warn("usage journal {}: a torn record at offset {} of {} (a process stopped while writing it, before its"
          + " response completed) is skipped", dir, off, s.file(seg).getFileName());
    }
  }

  /** Torn records skipped while reading. */
  long tornRecords() {
    return tornRecords.sum();
  }
}
