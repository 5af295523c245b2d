package dev.monetize.metering.internal;

import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
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
}
