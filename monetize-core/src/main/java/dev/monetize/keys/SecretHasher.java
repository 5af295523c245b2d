package dev.monetize.keys;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How secrets become stored hashes: SHA-256, or HMAC-SHA-256 with a server-side pepper (so that a
 * stolen key table cannot be checked against guesses without the pepper as well). The result is
 * base64url without padding. Compare hashes with {@link #same(String, String)} (constant time).
 */
public final class SecretHasher {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final int ASCII_BUFFER = 128;
  private static final int DIGEST_BYTES = 32;
  private static final byte[] URL_SAFE =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".getBytes(StandardCharsets.ISO_8859_1);

  /**
   * Per-thread scratch: the secret's bytes, the digest, its base64url text, and the SHA-256 engine
   * (unkeyed, so every hasher's; one thread-local lookup per hash).
   */
  private static final class Buffers {
    final byte[] ascii = new byte[ASCII_BUFFER];
    final byte[] digest = new byte[DIGEST_BYTES];
    final byte[] text = new byte[(DIGEST_BYTES * 4 + 2) / 3];
    final MessageDigest sha256 = newSha256();
  }

  private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);
  private final byte[] pepper;
  private final ThreadLocal<Mac> hmac;

  private SecretHasher(byte[] pepper) {
    this.pepper = pepper;
    this.hmac = pepper == null ? null : ThreadLocal.withInitial(() -> newHmac(pepper));
  }

  /** Plain SHA-256. */
  public static SecretHasher sha256() {
    return new SecretHasher(null);
  }

  /** HMAC-SHA-256 keyed with {@code pepper} (at least 32 bytes). */
  public static SecretHasher hmacSha256(byte[] pepper) {
    if (pepper == null || pepper.length < 32) {
      throw new IllegalArgumentException("the pepper must be at least 32 bytes (256 bits)");
    }
    return new SecretHasher(pepper.clone());
  }

  /** The stored form of {@code secret}. */
  public String hash(String secret) {
    return hash(secret, 0, secret.length());
  }

  /**
   * The stored form of the secret {@code text[from, to)}, without copying it out first: the
   * request path hashes the key inside its header. An ASCII secret (every key we issue) is hashed
   * from a per-thread buffer and the result encoded straight into the returned string, which is
   * then the only object this allocates.
   */
  public String hash(String text, int from, int to) {
    Buffers b = BUFFERS.get();
    if (digest(text, from, to, b.digest)) {
      return encode(b.digest);
    }
    byte[] in = text.substring(from, to).getBytes(StandardCharsets.UTF_8);
    return B64.encodeToString(pepper == null ? b.sha256.digest(in) : hmac.get().doFinal(in));
  }

  /**
   * The raw 32-byte digest behind {@link #hash(String, int, int)}, written into {@code out}
   * without allocating, for caches keyed by the digest's bits rather than by its text.
   *
   * @return false (and {@code out} untouched) when the secret is not short ASCII: use
   *     {@link #hash(String, int, int)} then
   */
  public boolean digest(String text, int from, int to, byte[] out) {
    int n = to - from;
    if (n > ASCII_BUFFER || n < 0) {
      return false;
    }
    if (out.length < DIGEST_BYTES) {
      throw new IllegalArgumentException("the digest needs " + DIGEST_BYTES + " bytes, got " + out.length);
    }
    Buffers b = BUFFERS.get();
    byte[] ascii = b.ascii;
    int all = 0; // every character or'ed: ASCII when below 0x80 (checked and copied in one pass)
    for (int i = 0; i < n; i++) {
      char c = text.charAt(from + i);
      all |= c;
      ascii[i] = (byte) c;
    }
    if (all >= 0x80) {
      Arrays.fill(ascii, 0, n, (byte) 0);
      return false;
    }
    try {
      if (pepper == null) {
        MessageDigest md = b.sha256;
        md.update(ascii, 0, n);
        md.digest(out, 0, DIGEST_BYTES);
      } else {
        Mac mac = hmac.get();
        mac.update(ascii, 0, n);
        mac.doFinal(out, 0);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 into a 32-byte buffer cannot fail", e);
    } finally {
      Arrays.fill(ascii, 0, n, (byte) 0); // no secret stays behind in the thread's buffer
    }
    return true;
  }

  /** The stored form (base64url without padding, 43 characters) of a digest from {@link #digest}. */
  public static String encode(byte[] digest) {
    byte[] text = BUFFERS.get().text;
    int at = 0;
    int i = 0;
    for (; i + 3 <= DIGEST_BYTES; i += 3) {
      int v = (digest[i] & 0xff) << 16 | (digest[i + 1] & 0xff) << 8 | (digest[i + 2] & 0xff);
      text[at++] = URL_SAFE[v >>> 18];
      text[at++] = URL_SAFE[(v >>> 12) & 0x3f];
      text[at++] = URL_SAFE[(v >>> 6) & 0x3f];
      text[at++] = URL_SAFE[v & 0x3f];
    }
    int v = (digest[i] & 0xff) << 16 | (digest[i + 1] & 0xff) << 8; // the last two bytes
    text[at++] = URL_SAFE[v >>> 18];
    text[at++] = URL_SAFE[(v >>> 12) & 0x3f];
    text[at++] = URL_SAFE[(v >>> 6) & 0x3f];
    return new String(text, 0, at, StandardCharsets.ISO_8859_1);
  }

  /**
   * Constant-time comparison of two stored hashes (the time depends on the lengths only), in the
   * manner of {@link MessageDigest#isEqual} but without copying the strings.
   */
  public static boolean same(String a, String b) {
    if (a.length() != b.length()) {
      return false;
    }
    int diff = 0;
    for (int i = 0; i < a.length(); i++) {
      diff |= a.charAt(i) ^ b.charAt(i);
    }
    return diff == 0;
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }

  private static Mac newHmac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required by the Java platform", e);
    }
  }
}
