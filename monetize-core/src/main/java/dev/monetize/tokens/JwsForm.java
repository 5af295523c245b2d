package dev.monetize.tokens;

import java.math.BigInteger;
import java.util.Base64;

/**
 * One spelling per token: a compact JWS whose three parts are canonical base64url (no padding, no
 * other alphabet, no stray bits in the last character; RFC 7515 section 2), and whose ES256 signature
 * has its {@code s} in the lower half of the curve's order (of the two valid signatures {@code (r, s)}
 * and {@code (r, n - s)}, the one this service mints). Without it one token had many valid spellings
 * (an {@code =} appended, {@code s} replaced by {@code n - s}), so anything keyed by a token's text
 * (a cache, a deny list, a log search) could be walked around.
 */
final class JwsForm {
  /** The order of P-256, and half of it. */
  private static final BigInteger N = new BigInteger(
      "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);
  private static final BigInteger HALF_N = N.shiftRight(1);
  private static final int HALF = 32; // r and s of an ES256 signature, 32 bytes each

  private JwsForm() {}

  /** Whether {@code token} is three non-empty parts of canonical base64url. */
  static boolean canonical(String token) {
    int first = token.indexOf('.');
    int second = first < 0 ? -1 : token.indexOf('.', first + 1);
    if (second < 0 || token.indexOf('.', second + 1) >= 0) {
      return false;
    }
    return canonicalPart(token.substring(0, first)) && canonicalPart(token.substring(first + 1, second))
        && canonicalPart(token.substring(second + 1));
  }

  private static boolean canonicalPart(String part) {
    if (part.isEmpty()) {
      return false;
    }
    for (int i = 0; i < part.length(); i++) {
      char c = part.charAt(i);
      if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
        return false;
      }
    }
    try { // every bit of the last character must be the encoding's: decoded and encoded again, the same text
      return Base64.getUrlEncoder().withoutPadding().encodeToString(Base64.getUrlDecoder().decode(part)).equals(part);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Whether the ES256 signature {@code rs} ({@code r} then {@code s}) has its {@code s} in the lower half. */
  static boolean lowS(byte[] rs) {
    return rs.length == 2 * HALF && new BigInteger(1, java.util.Arrays.copyOfRange(rs, HALF, 2 * HALF))
        .compareTo(HALF_N) <= 0;
  }

  /** The compact ES256 token {@code token} with its signature's {@code s} in the lower half (as it is, when it is). */
  static String lowS(String token) {
    int dot = token.lastIndexOf('.');
    byte[] rs = Base64.getUrlDecoder().decode(token.substring(dot + 1));
    if (lowS(rs)) {
      return token;
    }
    byte[] s = N.subtract(new BigInteger(1, java.util.Arrays.copyOfRange(rs, HALF, 2 * HALF))).toByteArray();
    byte[] out = java.util.Arrays.copyOf(rs, 2 * HALF);
    java.util.Arrays.fill(out, HALF, 2 * HALF, (byte) 0);
    int len = Math.min(s.length, HALF); // n - s < n/2: at most 32 bytes once a sign byte is dropped
    System.arraycopy(s, s.length - len, out, 2 * HALF - len, len);
    return token.substring(0, dot + 1) + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
  }
}
