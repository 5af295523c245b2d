package dev.monetize.audit;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * RFC 8785 canonical JSON written straight as UTF-8 into a growable byte buffer: strings are escaped
 * and encoded in one pass (plain ASCII, what audit events hold nearly always, is copied byte by
 * byte with one test per character), numbers are written as digits, and nothing else is allocated.
 * {@link CanonicalJson} and {@link EventHash} both write through it, so the text anyone can
 * recompute and the bytes the engine hashes are one piece of code. Not thread-safe: one per thread.
 */
final class JsonBytes {
  private static final long I_JSON = 1L << 53;
  /** The hex digits, lower case (escapes here; hashes in {@link EventHash}). */
  static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private byte[] buf;
  private int size;
  long secondCached = Long.MIN_VALUE;
  final byte[] second = new byte[19];

  JsonBytes(int capacity) {
    buf = new byte[capacity];
  }

  /** Empties the buffer; one grown past 64 KiB by a rare huge value is replaced by a small one, not kept. */
  void reset() {
    size = 0;
    if (buf.length > 64 * 1_024) {
      buf = new byte[1_024];
    }
  }

  /** The bytes written: valid up to {@link #size()}, until the next write. */
  byte[] bytes() {
    return buf;
  }

  int size() {
    return size;
  }

  /** What was written, as text. */
  String text() {
    return new String(buf, 0, size, StandardCharsets.UTF_8);
  }

  private void room(int more) {
    if (size + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(size + more, buf.length * 2));
    }
  }

  /** One ASCII character as it is (punctuation of the JSON itself). */
  JsonBytes ascii(char c) {
    room(1);
    buf[size++] = (byte) c;
    return this;
  }

  /** Bytes as they are: a member name and its punctuation, encoded once. */
  JsonBytes ascii(byte[] bytes) {
    room(bytes.length);
    System.arraycopy(bytes, 0, buf, size, bytes.length);
    size += bytes.length;
    return this;
  }

  /** {@code text} encoded as UTF-8 without quotes or escapes (member names, hex, time stamps). */
  JsonBytes raw(String text) {
    int n = text.length();
    room(n * 3);
    byte[] b = buf;
    int at = size;
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        b[at++] = (byte) c;
      } else {
        at = encode(b, at, text, i, c);
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
        }
      }
    }
    size = at;
    return this;
  }

  /**
   * A JSON string: quoted, escaped as ECMAScript's {@code JSON.stringify} escapes it (the short forms
   * for {@code " \ \b \f \n \r \t}, {@code \}{@code u00xx} for other control characters and for lone
   * surrogates), and encoded as UTF-8.
   */
  JsonBytes string(String s) {
    int n = s.length();
    room(n * 6 + 2); // the longest form of one char is a six-byte escape
    byte[] b = buf;
    int at = size;
    b[at++] = '"';
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
        b[at++] = (byte) c;
        continue;
      }
      switch (c) {
        case '"', '\\' -> {
          b[at++] = '\\';
          b[at++] = (byte) c;
        }
        case '\b' -> at = shortEscape(b, at, 'b');
        case '\f' -> at = shortEscape(b, at, 'f');
        case '\n' -> at = shortEscape(b, at, 'n');
        case '\r' -> at = shortEscape(b, at, 'r');
        case '\t' -> at = shortEscape(b, at, 't');
        default -> {
          boolean pair = Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1));
          boolean lone = !pair && Character.isSurrogate(c);
          if (c < 0x20 || lone) { // a lone surrogate is escaped, as JSON.stringify does since ES2019
            b[at++] = '\\';
            b[at++] = 'u';
            b[at++] = HEX[c >> 12 & 0xF];
            b[at++] = HEX[c >> 8 & 0xF];
            b[at++] = HEX[c >> 4 & 0xF];
            b[at++] = HEX[c & 0xF];
          } else {
            at = encode(b, at, s, i, c);
            if (pair) {
              i++;
            }
          }
        }
      }
    }
    b[at++] = '"';
    size = at;
    return this;
  }

  /** How many strings {@link #string(String, int)} remembers, one per slot, and the longest it remembers. */
  static final int MEMO_SLOTS = 8;
  private static final int MEMO_MAX = 96;
  /** Made on the first {@link #string(String, int)}: a buffer used only for one text has none. */
  private String[] memoText;
  private byte[][] memoBytes;
  private int[] memoSize;

  /**
   * {@link #string(String)}, remembering at {@code slot} what {@code s} was written as: the same string
   * (the same object: a customer's id, an operation's name) written next at that slot is copied, not
   * escaped and encoded again.
   */
  JsonBytes string(String s, int slot) {
    if (memoText == null) {
      memoText = new String[MEMO_SLOTS];
      memoBytes = new byte[MEMO_SLOTS][];
      memoSize = new int[MEMO_SLOTS];
    }
    if (memoText[slot] == s) {
      int n = memoSize[slot];
      room(n);
      System.arraycopy(memoBytes[slot], 0, buf, size, n);
      size += n;
      return this;
    }
    int from = size;
    string(s);
    int n = size - from;
    if (n <= MEMO_MAX) {
      if (memoBytes[slot] == null) {
        memoBytes[slot] = new byte[MEMO_MAX];
      }
      memoText[slot] = null; // forgotten before its bytes change: a failure below leaves no wrong pair
      System.arraycopy(buf, from, memoBytes[slot], 0, n);
      memoSize[slot] = n;
      memoText[slot] = s;
    }
    return this;
  }

  private static int shortEscape(byte[] b, int at, char letter) {
    b[at++] = '\\';
    b[at++] = (byte) letter;
    return at;
  }

  /** UTF-8 of {@code c} (at {@code i} of {@code s}, not ASCII): 2 or 3 bytes, or 4 for a surrogate pair. */
  private static int encode(byte[] b, int at, String s, int i, char c) {
    if (c < 0x800) {
      b[at++] = (byte) (0xC0 | c >> 6);
      b[at++] = (byte) (0x80 | c & 0x3F);
    } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
      int cp = Character.toCodePoint(c, s.charAt(i + 1));
      b[at++] = (byte) (0xF0 | cp >> 18);
      b[at++] = (byte) (0x80 | cp >> 12 & 0x3F);
      b[at++] = (byte) (0x80 | cp >> 6 & 0x3F);
      b[at++] = (byte) (0x80 | cp & 0x3F);
    } else {
      b[at++] = (byte) (0xE0 | c >> 12);
      b[at++] = (byte) (0x80 | c >> 6 & 0x3F);
      b[at++] = (byte) (0x80 | c & 0x3F);
    }
    return at;
  }

  /**
   * A whole number in decimal.
   *
   * @throws IllegalArgumentException beyond 2^53, where I-JSON numbers stop being exact
   */
  JsonBytes number(long n) {
    if (n > I_JSON || n < -I_JSON) {
      throw new IllegalArgumentException("a number beyond 2^53 is not I-JSON: " + n);
    }
    return digits(n, 1);
  }

  /** {@code n} in decimal, with leading zeros up to {@code width} digits. */
  JsonBytes digits(long n, int width) {
    room(21 + width);
    if (n < 0) {
      buf[size++] = '-';
      n = -n;
    }
    int len = length(n);
    for (int k = len; k < width; k++) {
      buf[size++] = '0';
    }
    int at = size + len;
    size = at;
    byte[] b = buf;
    while (n >= Integer.MAX_VALUE) { // a long's digits beyond an int's: rare (time stamps, big sizes)
      long q = n / 10;
      b[--at] = (byte) ('0' + (n - q * 10));
      n = q;
    }
    int i = (int) n;
    do {
      int q = i / 10;
      b[--at] = (byte) ('0' + (i - q * 10));
      i = q;
    } while (i > 0);
    return this;
  }

  private static int length(long n) {
    int len = 1;
    for (long p = 10; len < 19 && n >= p; p *= 10) {
      len++;
    }
    return len;
  }
}
