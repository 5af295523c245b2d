package dev.monetize.http;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids: an incoming {@code X-Request-Id} is echoed when it is sane (1-128 characters of
 * {@code A-Z a-z 0-9 . _ : -}), otherwise a new UUIDv7 is generated.
 */
public final class RequestIds {
  /** The header name. */
  public static final String HEADER = "X-Request-Id";
  /**
   * The servlet request attribute holding the id an adapter gave the call (its usage and audit event
   * carry it), for a container's own error page of that call to send the same one.
   */
  public static final String ATTRIBUTE = "dev.monetize.request_id";

  private RequestIds() {}

  /** The incoming id if sane, else a new one. {@code incoming} may be null (absent). */
  public static String acceptOrCreate(String incoming) {
    // an API key sent as the id (a client's mix-up) would be echoed, logged and audited in clear: a new id
    return isSane(incoming) && !(incoming.length() == dev.monetize.keys.ApiKeys.LENGTH
        && dev.monetize.keys.ApiKeys.environmentOf(incoming).isPresent()) ? incoming : newId();
  }

  /** Whether an incoming id is safe to echo. */
  public static boolean isSane(String id) {
    if (id == null || id.isEmpty() || id.length() > 128) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == '.' || c == ':';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** A new UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. */
  public static String newId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long msb = (System.currentTimeMillis() << 16) | 0x7000L | (r.nextLong() & 0x0FFFL);
    long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString(); // the JDK writes the string's bytes in place, without a copy
  }
}
