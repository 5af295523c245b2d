package dev.monetize.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * The key format: {@code mk_live_} or {@code mk_test_}, then 22 base62 characters from
 * {@link SecureRandom} (131 bits), then a 6-character base62 CRC32 checksum of everything before
 * it. The checksum lets {@link #environmentOf(String)} refuse typos and random strings without
 * any store lookup.
 *
 * <pre>{@code
 * String secret = ApiKeys.newSecret(KeyEnvironment.LIVE, new SecureRandom());
 * ApiKeys.environmentOf(secret);      // Optional[LIVE]
 * ApiKeys.environmentOf("mk_live_x"); // Optional.empty
 * String hash = ApiKeys.hash(secret); // what the key store keeps
 * }</pre>
 */
public final class ApiKeys {
  static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  /** Random characters after the prefix. */
  static final int RANDOM_LENGTH = 22;
  /** Checksum characters at the end. */
  static final int CHECKSUM_LENGTH = 6;
  /** Length of every well-formed key. */
  public static final int LENGTH = 8 + RANDOM_LENGTH + CHECKSUM_LENGTH;
  private static final int ID_RANDOM_LENGTH = 16;

  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  });

  private ApiKeys() {}

  /** A new secret for {@code environment}. */
  public static String newSecret(KeyEnvironment environment, SecureRandom random) {
    StringBuilder sb = new StringBuilder(LENGTH).append(environment.prefix());
    appendRandom(sb, RANDOM_LENGTH, random);
    appendChecksum(sb, checksum(sb, sb.length()));
    return sb.toString();
  }

  /** A new public key id, {@code key_} plus 16 base62 characters. */
  public static String newKeyId(SecureRandom random) {
    StringBuilder sb = new StringBuilder(4 + ID_RANDOM_LENGTH).append("key_");
    appendRandom(sb, ID_RANDOM_LENGTH, random);
    return sb.toString();
  }

  /**
   * The environment of a well-formed key, or empty when the candidate has the wrong length,
   * prefix, alphabet or checksum. Never throws, whatever the input.
   */
  public static Optional<KeyEnvironment> environmentOf(CharSequence candidate) {
    return candidate == null ? Optional.empty() : environmentOf(candidate, 0, candidate.length());
  }

  /**
   * {@link #environmentOf(CharSequence)} for the characters {@code from} (inclusive) to {@code to}
   * (exclusive) of {@code text}, without copying them: a header is checked in place, so a
   * malformed key costs no allocation. Never throws for bounds inside {@code text}.
   */
  public static Optional<KeyEnvironment> environmentOf(CharSequence text, int from, int to) {
    if (text == null || from < 0 || to > text.length() || to - from != LENGTH) {
      return Optional.empty();
    }
    KeyEnvironment env = prefixOf(text, from);
    if (env == null) {
      return Optional.empty();
    }
    // the alphabet first (independent loads), then the CRC from the prefix's precomputed state
    int bodyEnd = to - CHECKSUM_LENGTH;
    int bad = 0;
    for (int i = from + 8; i < bodyEnd; i++) {
      bad |= valueOf(text.charAt(i));
    }
    long actual = 0;
    for (int i = bodyEnd; i < to; i++) {
      int v = valueOf(text.charAt(i));
      bad |= v;
      actual = actual * 62 + v;
    }
    if (bad < 0) {
      return Optional.empty();
    }
    int crc = crcUpdate(PREFIX_CRC[env.ordinal()], text, from + 8, bodyEnd);
    return actual == (~crc & 0xFFFFFFFFL) ? PRESENT[env.ordinal()] : Optional.empty();
  }

  private static final KeyEnvironment[] ENVIRONMENTS = KeyEnvironment.values();
  /** The CRC-32 register after each environment's prefix, so checks start past it. */
  private static final int[] PREFIX_CRC = java.util.Arrays.stream(ENVIRONMENTS).mapToInt(e -> {
    int crc = 0xFFFFFFFF;
    for (int i = 0; i < e.prefix().length(); i++) {
      crc = crcTable()[(crc ^ e.prefix().charAt(i)) & 0xFF] ^ (crc >>> 8);
    }
    return crc;
  }).toArray();
  @SuppressWarnings("unchecked")
  private static final Optional<KeyEnvironment>[] PRESENT = java.util.Arrays.stream(ENVIRONMENTS)
      .map(Optional::of).toArray(Optional[]::new);

  /**
   * The stored form of a secret: SHA-256 of its UTF-8 bytes, base64url without padding. Compare
   * hashes with {@link #sameHash(String, String)}.
   */
  public static String hash(String secret) {
    MessageDigest md = SHA256.get();
    byte[] digest = md.digest(secret.getBytes(StandardCharsets.UTF_8));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
  }

  /** Constant-time comparison of two hashes. */
  public static boolean sameHash(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
  }

  private static KeyEnvironment prefixOf(CharSequence s, int from) {
    for (KeyEnvironment env : ENVIRONMENTS) {
      String p = env.prefix();
      boolean match = true;
      for (int i = 0; i < p.length(); i++) {
        if (s.charAt(from + i) != p.charAt(i)) {
          match = false;
          break;
        }
      }
      if (match) {
        return env;
      }
    }
    return null;
  }

  /**
   * Each ASCII character's value in {@link #ALPHABET}, -1 for the others: a lookup instead of three
   * range tests, whose branches a random key's mixed characters keep mispredicting.
   */
  private static final byte[] VALUES = new byte[128];

  static {
    java.util.Arrays.fill(VALUES, (byte) -1);
    for (int i = 0; i < ALPHABET.length(); i++) {
      VALUES[ALPHABET.charAt(i)] = (byte) i;
    }
  }

  private static int valueOf(char c) {
    return c < 128 ? VALUES[c] : -1;
  }

  /**
   * CRC-32 (IEEE, as {@link CRC32}) of the first {@code length} characters, all ASCII, computed
   * from a table: no object and no native call per character on the path that refuses malformed
   * keys.
   */
  static long checksum(CharSequence s, int length) {
    return checksum(s, 0, length);
  }

  private static long checksum(CharSequence s, int from, int length) {
    return ~crcUpdate(0xFFFFFFFF, s, from, from + length) & 0xFFFFFFFFL;
  }

  /**
   * The CRC-32 register {@code crc} continued over the characters {@code from} to {@code to}, each
   * below 256, four at a time ("slicing by four": four table lookups per four characters, so the
   * chain of dependent steps is a quarter as long as a byte at a time).
   */
  private static int crcUpdate(int crc, CharSequence s, int from, int to) {
    int i = from;
    for (; i + 4 <= to; i += 4) {
      crc ^= s.charAt(i) | s.charAt(i + 1) << 8 | s.charAt(i + 2) << 16 | s.charAt(i + 3) << 24;
      crc = CRC_BY_4[3][crc & 0xFF] ^ CRC_BY_4[2][(crc >>> 8) & 0xFF] ^ CRC_BY_4[1][(crc >>> 16) & 0xFF]
          ^ CRC_BY_4[0][crc >>> 24];
    }
    for (; i < to; i++) {
      crc = CRC_TABLE[(crc ^ s.charAt(i)) & 0xFF] ^ (crc >>> 8);
    }
    return crc;
  }

  private static final int[] CRC_TABLE = crcTable();
  /** {@code CRC_BY_4[k][b]}: the register after byte {@code b} followed by {@code k} zero bytes. */
  private static final int[][] CRC_BY_4 = new int[4][];

  static {
    CRC_BY_4[0] = CRC_TABLE;
    for (int k = 1; k < 4; k++) {
      CRC_BY_4[k] = new int[256];
      for (int n = 0; n < 256; n++) {
        int prev = CRC_BY_4[k - 1][n];
        CRC_BY_4[k][n] = (prev >>> 8) ^ CRC_TABLE[prev & 0xFF];
      }
    }
  }

  private static int[] crcTable() {
    int[] t = new int[256];
    for (int n = 0; n < 256; n++) {
      int c = n;
      for (int k = 0; k < 8; k++) {
        c = (c & 1) != 0 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
      }
      t[n] = c;
    }
    return t;
  }

  private static void appendChecksum(StringBuilder sb, long value) {
    char[] digits = new char[CHECKSUM_LENGTH];
    for (int i = CHECKSUM_LENGTH - 1; i >= 0; i--) {
      digits[i] = ALPHABET.charAt((int) (value % 62));
      value /= 62;
    }
    sb.append(digits);
  }

  private static void appendRandom(StringBuilder sb, int count, SecureRandom random) {
    byte[] buf = new byte[count * 2];
    int written = 0;
    while (written < count) {
      random.nextBytes(buf);
      for (int i = 0; i < buf.length && written < count; i++) {
        int v = buf[i] & 0x3F; // 0..63; rejecting 62 and 63 keeps every character uniform
        if (v < 62) {
          sb.append(ALPHABET.charAt(v));
          written++;
        }
      }
    }
  }
}
