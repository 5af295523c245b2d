package dev.monetize.metering.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The journal's record format. A record is {@code int length, int check, payload}, where the check
 * is the CRC32C of the payload xor a tag of the stripe and segment number; the rest of a segment is
 * zeros, so a zero length ends it. A payload is either a <em>name</em> (kind 1, its number, a short
 * length and the UTF-8 text, encoded once per segment by the JDK's encoder), written the first time
 * a segment needs that customer, key, operation or unit name, or a <em>call</em> (kind 0, then
 * unsigned LEB128 varints: customer, key and operation name numbers, status, an overage byte, bytes
 * in, bytes out, wall and CPU microseconds, and the custom units as name number and amount pairs). A
 * typical call takes 24 bytes, a page holds about 170 of them, and reading it back creates no string.
 */
final class JournalRecords {
  static final int HEADER = 8;
  /** The smallest payload: a name record (kind, number, empty name). */
  static final int MIN_PAYLOAD = 4;
  static final byte CALL = 0;
  static final byte NAME = 1;
  static final int MAX_UNITS = 255;

  private JournalRecords() {}

  /** Unsigned LEB128: seven bits per byte, low first, high bit set on all but the last. */
  static int putVar(byte[] b, int at, long v) {
    while ((v & ~0x7fL) != 0) {
      b[at++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    b[at++] = (byte) v;
    return at;
  }

  static int callBound(int units) {
    return 1 + 3 * 5 + 5 + 1 + 4 * 10 + 5 + units * (5 + 10);
  }

  /** A name's UTF-8 bytes (the JDK's encoder; an unpaired surrogate becomes '?'), at most 65,535 of them. */
  static byte[] encodeName(String name) {
    byte[] encoded = name.getBytes(StandardCharsets.UTF_8);
    if (encoded.length > 0xffff) {
      throw new IllegalArgumentException("a usage name of " + encoded.length + " bytes is too long for the journal");
    }
    return encoded;
  }

  /** The bytes a name record of {@code name} takes in a segment, header included (at most). */
  static int nameRecordBytes(String name) {
    return HEADER + 1 + 5 + 2 + encodeName(name).length;
  }

  /** Writes {@code short length} then the encoded name; returns the position after it. */
  static int putName(byte[] w, int at, byte[] encoded) {
    w[at] = (byte) (encoded.length >>> 8);
    w[at + 1] = (byte) encoded.length;
    System.arraycopy(encoded, 0, w, at + 2, encoded.length);
    return at + 2 + encoded.length;
  }

  /** The name written by {@link #putName} at {@code at}. */
  static String getName(ByteBuffer b, int at) {
    int n = b.getShort(at) & 0xffff;
    byte[] buf = new byte[n];
    b.get(at + 2, buf, 0, n);
    return new String(buf, 0, n, StandardCharsets.UTF_8);
  }

  /**
   * The tag of a segment: distinct for every stripe and segment number below 2^27 (a bijective
   * mix of both), so a record checked under another segment's tag fails.
   */
  static int tag(int stripe, long segment) {
    int h = (int) (segment << 5) | stripe;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    return h ^ (h >>> 16);
  }

  static boolean checksumOk(ByteBuffer b, int off, int length, int tag) {
    CRC32C crc = new CRC32C();
    ByteBuffer payload = b.duplicate();
    payload.limit(off + HEADER + length).position(off + HEADER);
    crc.update(payload);
    return ((int) crc.getValue() ^ tag) == b.getInt(off + 4);
  }

  /** A read position within a record. */
  static final class Cursor {
    int at;

    long var(ByteBuffer b) {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        byte x = b.get(at++);
        v |= (long) (x & 0x7f) << shift;
        if (x >= 0) {
          return v;
        }
      }
      return -1; // more than ten bytes: not written by us; the caller rejects the record
    }

    /** A name number, or -1 when it is not one of {@code names}. */
    int ref(ByteBuffer b, List<String> names) {
      long v = var(b);
      return v >= 0 && v < names.size() ? (int) v : -1;
    }
  }

  /**
   * {@link #decode}, where a record that passed its check yet cannot be decoded (damage the check
   * did not catch) counts as torn instead of failing the delivery, which would otherwise fail on
   * every retry and every restart.
   */
  static boolean decodeSafely(ByteBuffer b, int at, boolean calls, ArrayList<String> names,
      Aggregation into, Cursor c) {
    try {
      return decode(b, at, calls, names, into, c);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Applies one record: a name record extends the segment's dictionary; a call record is added to
   * {@code into} when {@code calls} (it lies at or after the read's start). False for a record
   * that names what the segment never defined (damage a checksum did not catch).
   */
  static boolean decode(ByteBuffer b, int at, boolean calls, ArrayList<String> names, Aggregation into,
      Cursor c) {
    byte kind = b.get(at);
    c.at = at + 1;
    if (kind == NAME) {
      long ref = c.var(b);
      if (ref < 0 || ref > names.size()) {
        return false;
      }
      String name = getName(b, c.at);
      if (ref == names.size()) {
        names.add(name);
      } else {
        names.set((int) ref, name); // read again from an earlier start
      }
      return true;
    }
    if (kind != CALL) {
      return false;
    }
    if (!calls) {
      return true;
    }
    int customer = c.ref(b, names);
    int key = c.ref(b, names);
    int operation = c.ref(b, names);
    int status = (int) c.var(b);
    boolean overage = b.get(c.at++) != 0;
    long bytesIn = c.var(b);
    long bytesOut = c.var(b);
    long micros = c.var(b);
    long cpuMicros = c.var(b);
    int units = (int) c.var(b);
    if (customer < 0 || key < 0 || operation < 0 || units < 0 || units > MAX_UNITS) {
      return false;
    }
    int unitsAt = c.at;
    for (int i = 0; i < units; i++) { // every unit's name first, so that a damaged record adds nothing
      if (c.ref(b, names) < 0) {
        return false;
      }
      c.var(b);
    }
    Aggregation.Sums sums = into.at(names.get(customer), names.get(key), names.get(operation), status, overage);
    sums.add(1, bytesIn, bytesOut, micros, cpuMicros);
    c.at = unitsAt;
    for (int i = 0; i < units; i++) {
      String unit = names.get(c.ref(b, names));
      sums.addUnit(unit, c.var(b));
    }
    return true;
  }

}
