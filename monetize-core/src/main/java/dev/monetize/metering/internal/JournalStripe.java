package dev.monetize.metering.internal;

import static dev.monetize.metering.internal.JournalRecords.HEADER;
import static dev.monetize.metering.internal.JournalRecords.NAME;
import static dev.monetize.metering.internal.JournalRecords.encodeName;
import static dev.monetize.metering.internal.JournalRecords.nameRecordBytes;
import static dev.monetize.metering.internal.JournalRecords.putName;
import static dev.monetize.metering.internal.JournalRecords.putVar;

import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.zip.CRC32C;

/** One log of the journal: its segments and its current one, written under the stripe's monitor. */
final class JournalStripe {
  final int index;
  final ConcurrentSkipListMap<Long, MappedByteBuffer> segments = new ConcurrentSkipListMap<>();
  final CRC32C crc = new CRC32C();
  long segment;
  /** The current segment's tag, folded into each record's check. */
  int tag;
  MappedByteBuffer buf;
  /** The next segment, being prepared off the request path (created, zero-filled, mapped, touched). */
  java.util.concurrent.Future<MappedByteBuffer> next;
  // the record is encoded here first, checksummed, then copied into the segment in one bulk put
  byte[] scratch = new byte[512];
  /** The current segment's dictionary: each name is written once per segment, then referred to by number. */
  final HashMap<String, Integer> names = new HashMap<>();
  // the reader's (flusher's) dictionary of the segment it reads last, and how far it has scanned it
  long readSegment = -1;
  int readScanned;
  final ArrayList<String> readNames = new ArrayList<>();
  int offset;
  volatile long committed;

  private final Path dir;

  JournalStripe(Path dir, int index, long firstSegment, int segmentBytes) {
    this.dir = dir;
    this.index = index;
    this.segment = firstSegment - 1;
    this.committed = firstSegment * segmentBytes;
  }

  byte[] scratch(int length) {
    if (scratch.length < length) {
      scratch = new byte[Math.max(length, 2 * scratch.length)];
    }
    return scratch;
  }

  Path file(long seg) {
    return dir.resolve(String.format("usage-%02d-%012d.seg", index, seg));
  }

  /**
   * At most the bytes of the name records a call needs in this segment, or in a new one when
   * {@code s} is null (a name given twice is counted twice; throws for a name too long).
   */
  static int newNameBytes(JournalStripe s, String customerId, String keyId, String operationId,
      Map<String, Long> units) {
    int bytes = nameBytes(s, customerId) + nameBytes(s, keyId) + nameBytes(s, operationId);
    for (String unit : units.keySet()) {
      bytes += nameBytes(s, unit);
    }
    return bytes;
  }

  private static int nameBytes(JournalStripe s, String name) {
    return s != null && s.names.containsKey(name) ? 0 : nameRecordBytes(name);
  }

  /**
   * The number of {@code name} in the stripe's segment, written as a name record (forced when
   * {@code force}) if it is new there.
   */
  int ref(String name, boolean force) {
    Integer known = names.get(name);
    return known != null ? known : define(name, force);
  }

  /** Writes a name record: from here on in this segment, {@code name} is referred to by its number. */
  private int define(String name, boolean force) {
    int ref = names.size();
    byte[] encoded = encodeName(name); // once per name and segment
    byte[] w = scratch(1 + 5 + 2 + encoded.length);
    w[0] = NAME;
    int at = putVar(w, 1, ref);
    at = putName(w, at, encoded);
    write(at, force);
    names.put(name, ref);
    return ref;
  }

  /**
   * Writes the {@code length} bytes encoded in the scratch as one record of the current segment,
   * forced to the disk when {@code force}.
   */
  void write(int length, boolean force) {
    crc.reset();
    crc.update(scratch, 0, length);
    MappedByteBuffer b = buf;
    int start = offset;
    b.put(start + HEADER, scratch, 0, length);
    b.putInt(start + 4, (int) crc.getValue() ^ tag);
    b.putInt(start, length); // last: a record with a length is complete
    if (force) {
      try {
        b.force(start, HEADER + length);
      } catch (UncheckedIOException e) {
        b.putInt(start, 0); // taken back: the caller meters this call in memory instead
        throw e;
      }
    }
    offset = start + HEADER + length;
  }
}
