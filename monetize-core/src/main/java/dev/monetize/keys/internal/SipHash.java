package dev.monetize.keys.internal;

/**
 * SipHash-2-4 with a 128-bit tag (J.-P. Aumasson and D. J. Bernstein, "SipHash: a fast short-input
 * PRF", 2012): a keyed function that, to anyone without the key, is indistinguishable from random,
 * at a few dozen nanoseconds for a key's length. The table of verified keys is found by it
 * ({@link Credentials}): a secret verified once is recognised again without SHA-256, and nobody
 * without this process's random key can make another secret land on its entry.
 *
 * <p>The JDK has no keyed function this fast (HMAC through {@code javax.crypto} costs more than the
 * SHA-256 it would replace), so the 60 lines of the reference algorithm are here, checked against
 * the 64 reference vectors of its authors.
 */
final class SipHash {
  /** The four words of the state, each changed by every round (a local object the JIT keeps in registers). */
  private static final class State {
    long v0;
    long v1;
    long v2;
    long v3;

    State(long k0, long k1) {
      v0 = 0x736f6d6570736575L ^ k0;
      v1 = 0x646f72616e646f6dL ^ k1 ^ 0xee; // 0xee: the 128-bit variant
      v2 = 0x6c7967656e657261L ^ k0;
      v3 = 0x7465646279746573L ^ k1;
    }

    void rounds(int n) {
      for (int r = 0; r < n; r++) {
        v0 += v1;
        v1 = Long.rotateLeft(v1, 13) ^ v0;
        v0 = Long.rotateLeft(v0, 32);
        v2 += v3;
        v3 = Long.rotateLeft(v3, 16) ^ v2;
        v0 += v3;
        v3 = Long.rotateLeft(v3, 21) ^ v0;
        v2 += v1;
        v1 = Long.rotateLeft(v1, 17) ^ v2;
        v2 = Long.rotateLeft(v2, 32);
      }
    }

    void compress(long m) {
      v3 ^= m;
      rounds(2);
      v0 ^= m;
    }

    long word() {
      return v0 ^ v1 ^ v2 ^ v3;
    }
  }

  private SipHash() {
  }

  /**
   * The 128-bit tag under the key {@code (k0, k1)} of the characters {@code text[from, to)}, one byte
   * each, into {@code out[0]} (the tag's first eight bytes, little-endian) and {@code out[1]}.
   *
   * @return false, with {@code out} untouched, when a character is not ASCII
   */
  static boolean tag128(long k0, long k1, String text, int from, int to, long[] out) {
    State s = new State(k0, k1);
    int n = to - from;
    int words = from + (n & ~7);
    int all = 0; // every character or'ed: ASCII when below 0x80
    int i = from;
    for (; i < words; i += 8) {
      long m = 0;
      for (int j = 7; j >= 0; j--) { // little-endian: the first character is the low byte
        char c = text.charAt(i + j);
        all |= c;
        m = m << 8 | c;
      }
      s.compress(m);
    }
    long last = (long) n << 56; // the length's low byte, then what is left of the text
    for (int j = to - 1; j >= i; j--) {
      char c = text.charAt(j);
      all |= c;
      last |= (long) c << (8 * (j - i));
    }
    if (all >= 0x80) {
      return false;
    }
    s.compress(last);
    s.v2 ^= 0xee;
    s.rounds(4);
    long first = s.word();
    s.v1 ^= 0xdd;
    s.rounds(4);
    out[0] = first;
    out[1] = s.word();
    return true;
  }
}
