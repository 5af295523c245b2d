package dev.monetize.keys;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
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
  private static final ThreadLocal<byte[]> ASCII = ThreadLocal.withInitial(() -> new byte[ASCII_BUFFER]);
  private final byte[] pepper;
  private final ThreadLocal<MessageDigest> sha256;
  private final ThreadLocal<Mac> hmac;

  private SecretHasher(byte[] pepper) {
    this.pepper = pepper;
    this.sha256 = ThreadLocal.withInitial(SecretHasher::newSha256);
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
    byte[] digest;
    if (secret.length() <= ASCII_BUFFER && isAscii(secret)) {
      // keys are ASCII: hash them from a reused buffer instead of a new byte[] per request
      byte[] buf = ASCII.get();
      int n = secret.length();
      for (int i = 0; i < n; i++) {
        buf[i] = (byte) secret.charAt(i);
      }
      if (pepper == null) {
        MessageDigest md = sha256.get();
        md.update(buf, 0, n);
        digest = md.digest();
      } else {
        Mac mac = hmac.get();
        mac.update(buf, 0, n);
        digest = mac.doFinal();
      }
    } else {
      byte[] in = secret.getBytes(StandardCharsets.UTF_8);
      digest = pepper == null ? sha256.get().digest(in) : hmac.get().doFinal(in);
    }
    return B64.encodeToString(digest);
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
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
