package dev.monetize.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** The Lua scripts of this package as text and SHA-1, and the numbers they take and give as ASCII bytes. */
final class ScriptText {
  private ScriptText() {}

  /** {@code v} in decimal as ASCII bytes, written straight into its array (no string on the way). */
  static byte[] ascii(long v) {
    if (v == Long.MIN_VALUE) {
      return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }
    long m = Math.abs(v);
    int len = v < 0 ? 2 : 1;
    for (long p = m; p >= 10; p /= 10) {
      len++;
    }
    byte[] out = new byte[len];
    for (int at = len - 1; at >= (v < 0 ? 1 : 0); at--) {
      out[at] = (byte) ('0' + m % 10);
      m /= 10;
    }
    if (v < 0) {
      out[0] = '-';
    }
    return out;
  }

  static long asLong(Object o) {
    if (o instanceof Long l) {
      return l;
    }
    return Long.parseLong(o instanceof byte[] b ? new String(b, StandardCharsets.US_ASCII) : o.toString());
  }

  /** A Lua script of this package, by file name. */
  static String script(String name) {
    try (InputStream in = ScriptText.class.getResourceAsStream(name)) {
      return new String(Objects.requireNonNull(in, name + " missing from the jar").readAllBytes(),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The SHA-1 of a script as {@code EVALSHA} names it (lowercase hex). */
  static String sha1(String script) {
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(d);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required by the Java platform", e);
    }
  }
}
