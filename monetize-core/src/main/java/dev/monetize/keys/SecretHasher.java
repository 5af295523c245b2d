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
    byte[] in = secret.getBytes(StandardCharsets.UTF_8);
    byte[] digest = pepper == null ? sha256.get().digest(in) : hmac.get().doFinal(in);
    return B64.encodeToString(digest);
  }

  /** Constant-time comparison of two stored hashes. */
  public static boolean same(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
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
