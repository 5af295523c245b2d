package dev.monetize.audit;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;

/**
 * The hash of an event written straight from its fields: the canonical JSON of
 * {@link AuditEvent#fields()} (members in their fixed sorted order) goes into a buffer each thread
 * reuses, is encoded as UTF-8 into another and hashed there, with no map, string or copy of the
 * event in between. A property test holds it byte for byte to {@link CanonicalJson} of the fields.
 */
final class EventHash {
  private static final long I_JSON = 1L << 53;
  private static final HexFormat HEX = HexFormat.of();

  private static final class Buffers {
    final StringBuilder text = new StringBuilder(512);
    byte[] bytes = new byte[1_024];
    final byte[] digest = new byte[32];
    final MessageDigest sha256;

    Buffers() {
      try {
        sha256 = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is part of every JDK", e);
      }
    }
  }

  private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

  private EventHash() {
  }

  /** Hex SHA-256 of {@code prevHash} and the canonical JSON of {@code e} at {@code seq} of {@code segment}. */
  static String of(AuditEvent e, String segment, long seq, String prevHash) {
    Buffers b = BUFFERS.get();
    StringBuilder t = b.text;
    t.setLength(0);
    t.append(prevHash);
    write(t, e, segment, seq, prevHash);
    int n = encode(b, t);
    b.sha256.update(b.bytes, 0, n);
    try {
      b.sha256.digest(b.digest, 0, 32);
    } catch (DigestException x) {
      throw new IllegalStateException("a SHA-256 digest is 32 bytes", x);
    }
    if (t.length() > 64 * 1_024) {
      t.setLength(0);
      t.trimToSize(); // a rare huge event does not keep its buffer alive
      b.bytes = new byte[1_024];
    }
    return HEX.formatHex(b.digest);
  }

  /** The canonical JSON of {@code e} without {@code hash}, as {@code CanonicalJson.of(e.fields())} writes it. */
  static void write(StringBuilder t, AuditEvent e, String segment, long seq, String prevHash) {
    t.append("{\"bytes_in\":");
    number(t, e.bytesIn());
    t.append(",\"bytes_out\":");
    number(t, e.bytesOut());
    t.append(",\"client_address\":");
    CanonicalJson.string(t, e.remoteAddress());
    t.append(",\"code\":");
    CanonicalJson.string(t, e.decision());
    if (e.customerId().isPresent()) {
      t.append(",\"customer_id\":");
      CanonicalJson.string(t, e.customerId().get());
    }
    if (!e.details().isEmpty()) {
      t.append(",\"details\":");
      map(t, e.details());
    }
    if (e.keyId().isPresent()) {
      t.append(",\"key_id\":");
      CanonicalJson.string(t, e.keyId().get());
    }
    t.append(",\"latency_us\":");
    number(t, e.durationMicros());
    t.append(",\"method\":");
    CanonicalJson.string(t, e.method());
    t.append(",\"operation\":");
    CanonicalJson.string(t, e.operationId());
    t.append(",\"path\":");
    CanonicalJson.string(t, e.path());
    t.append(",\"path_template\":");
    CanonicalJson.string(t, e.pathTemplate());
    t.append(",\"prev_hash\":");
    CanonicalJson.string(t, prevHash);
    if (!e.query().isEmpty()) {
      t.append(",\"query\":");
      map(t, e.query());
    }
    t.append(",\"request_id\":");
    CanonicalJson.string(t, e.requestId());
    t.append(",\"segment\":");
    CanonicalJson.string(t, segment);
    t.append(",\"seq\":");
    number(t, seq);
    t.append(",\"status\":");
    number(t, e.status());
    t.append(",\"time\":\"");
    instant(t, e.time());
    t.append("\",\"user_agent\":");
    CanonicalJson.string(t, e.userAgent());
    t.append('}');
  }

  /** A map an event holds: a TreeMap (or empty), so its entries already come in UTF-16 order. */
  private static void map(StringBuilder t, Map<String, String> m) {
    t.append('{');
    boolean first = true;
    for (Map.Entry<String, String> x : m.entrySet()) {
      if (!first) {
        t.append(',');
      }
      first = false;
      CanonicalJson.string(t, x.getKey());
      t.append(':');
      CanonicalJson.string(t, x.getValue());
    }
    t.append('}');
  }

  private static void number(StringBuilder t, long n) {
    if (Math.abs(n) > I_JSON) {
      throw new IllegalArgumentException("a number beyond 2^53 is not I-JSON: " + n);
    }
    t.append(n);
  }

  /** {@link Instant#toString()} appended without a formatter (years 0 to 9999; others through toString). */
  static void instant(StringBuilder t, Instant i) {
    long seconds = i.getEpochSecond();
    long days = Math.floorDiv(seconds, 86_400);
    int secondOfDay = Math.floorMod(seconds, 86_400);
    // civil date from days since 1970-01-01 (H. Hinnant's algorithm)
    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long doe = z - era * 146_097;
    long yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long day = doy - (153 * mp + 2) / 5 + 1;
    long month = mp < 10 ? mp + 3 : mp - 9;
    long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    if (year < 0 || year > 9_999) {
      t.append(i);
      return;
    }
    pad(t, year, 4);
    t.append('-');
    pad(t, month, 2);
    t.append('-');
    pad(t, day, 2);
    t.append('T');
    pad(t, secondOfDay / 3_600, 2);
    t.append(':');
    pad(t, secondOfDay / 60 % 60, 2);
    t.append(':');
    pad(t, secondOfDay % 60, 2);
    int nanos = i.getNano();
    if (nanos > 0) {
      t.append('.');
      if (nanos % 1_000_000 == 0) {
        pad(t, nanos / 1_000_000, 3);
      } else if (nanos % 1_000 == 0) {
        pad(t, nanos / 1_000, 6);
      } else {
        pad(t, nanos, 9);
      }
    }
    t.append('Z');
  }

  private static void pad(StringBuilder t, long v, int width) {
    long limit = 1;
    for (int k = 1; k < width; k++) {
      limit *= 10;
    }
    for (long l = limit; l > 1 && v < l; l /= 10) {
      t.append('0');
    }
    t.append(v);
  }

  /** UTF-8 of {@code t} into the reused byte buffer; returns the length. Canonical JSON has no lone surrogate. */
  private static int encode(Buffers b, StringBuilder t) {
    int need = t.length() * 3;
    if (b.bytes.length < need) {
      b.bytes = new byte[Math.max(need, b.bytes.length * 2)];
    }
    byte[] out = b.bytes;
    int n = 0;
    for (int k = 0; k < t.length(); k++) {
      char c = t.charAt(k);
      if (c < 0x80) {
        out[n++] = (byte) c;
      } else if (c < 0x800) {
        out[n++] = (byte) (0xC0 | c >> 6);
        out[n++] = (byte) (0x80 | c & 0x3F);
      } else if (Character.isHighSurrogate(c) && k + 1 < t.length() && Character.isLowSurrogate(t.charAt(k + 1))) {
        int cp = Character.toCodePoint(c, t.charAt(++k));
        out[n++] = (byte) (0xF0 | cp >> 18);
        out[n++] = (byte) (0x80 | cp >> 12 & 0x3F);
        out[n++] = (byte) (0x80 | cp >> 6 & 0x3F);
        out[n++] = (byte) (0x80 | cp & 0x3F);
      } else {
        out[n++] = (byte) (0xE0 | c >> 12);
        out[n++] = (byte) (0x80 | c >> 6 & 0x3F);
        out[n++] = (byte) (0x80 | c & 0x3F);
      }
    }
    return n;
  }
}
