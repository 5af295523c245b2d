package dev.monetize.audit.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The query parameters of an audit event, redacted: a parameter the operation lists as auditable
 * keeps its value; every other value becomes {@code #} and the first 16 hex digits of its
 * HMAC-SHA-256 under the audit key (the same value, the same hash, while the key stays the same;
 * without the key, a hash tells nothing, not even for short values). A parameter without a value
 * ({@code ?abc}, or {@code ?abc=}) not on the list has its name hashed (it may be a secret), and so has a name that is
 * not a plain identifier. At most {@link #MAX_PARAMETERS} parameters are read (every occurrence
 * counts), from the first 8 KiB of the query; names are cut at 64 characters and clear values at 256,
 * always at a whole character.
 *
 * <p>Internal: the engine uses it; operations name their auditable parameters.
 */
public final class QueryRedaction {
  /** The most parameters an event keeps; the rest are counted under {@code ...}. */
  public static final int MAX_PARAMETERS = 32;
  private static final HexFormat HEX = HexFormat.of();

  private final SecretKeySpec key;
  private final ThreadLocal<Mac> macs;

  /** Redaction under {@code key} (at least 16 bytes). */
  public QueryRedaction(byte[] key) {
    if (key.length < 16) {
      throw new IllegalArgumentException("the audit key needs at least 16 bytes, got " + key.length);
    }
    this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    this.macs = ThreadLocal.withInitial(this::mac);
  }

  /** Redaction under a key derived from {@code secret} (the key pepper), so every node hashes alike. */
  public static QueryRedaction derivedFrom(byte[] secret) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(secret, "HmacSHA256"));
      return new QueryRedaction(m.doFinal("monetize audit query".getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA-256 is part of every JDK", e);
    }
  }

  /** Redaction under a random key (hashes match within one run only). */
  public static QueryRedaction random() {
    byte[] k = new byte[32];
    new java.security.SecureRandom().nextBytes(k);
    return new QueryRedaction(k);
  }

  /** The parameters of {@code rawQuery} (percent-encoded, without {@code ?}), redacted. */
  public Map<String, String> redact(String rawQuery, Set<String> auditable) {
    if (rawQuery.isEmpty()) {
      return Map.of();
    }
    String q = rawQuery.length() > MAX_QUERY ? rawQuery.substring(0, MAX_QUERY) : rawQuery;
    Map<String, String> out = new TreeMap<>();
    int from = 0;
    int read = 0;
    int skipped = rawQuery.length() > MAX_QUERY ? 1 : 0;
    while (from <= q.length()) {
      int amp = q.indexOf('&', from);
      int end = amp < 0 ? q.length() : amp;
      if (end > from) {
        if (read++ < MAX_PARAMETERS) {
          int eq = q.indexOf('=', from);
          boolean valued = eq >= 0 && eq < end;
          String name = decode(q.substring(from, valued ? eq : end));
          put(out, name, valued ? decode(q.substring(eq + 1, end)) : "", valued, auditable);
        } else {
          skipped++;
        }
      }
      if (amp < 0) {
        break;
      }
      from = amp + 1;
    }
    if (skipped > 0) {
      out.put("...", Integer.toString(skipped));
    }
    return out;
  }

  /** The most of a raw query string read: 8 KiB. */
  static final int MAX_QUERY = 8 * 1_024;
  private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_.\\[\\]-]{1,64}");

  /** {@code query} (already decoded), redacted. */
  public Map<String, String> redact(Map<String, String> query, Set<String> auditable) {
    if (query.isEmpty()) {
      return Map.of();
    }
    Map<String, String> out = new TreeMap<>();
    new TreeMap<>(query).forEach((name, value) -> {
      if (out.size() < MAX_PARAMETERS) {
        put(out, name, value, true, auditable);
      }
    });
    return out;
  }

  private void put(Map<String, String> out, String name, String value, boolean valued, Set<String> auditable) {
    // a key or token sent in the wrong place (as a name, or as the value of a parameter kept in clear) is hashed
    boolean secretName = dev.monetize.keys.Redaction.containsSecret(name);
    boolean clear = auditable.contains(name) && !secretName;
    boolean hasValue = valued && !value.isEmpty(); // ?abc= is ?abc: a name alone may be a secret
    String shownName = !secretName && (clear || hasValue && NAME.matcher(name).matches()) ? cut(name, 64) : hash(name);
    String shown = clear && value.length() <= 256 && !dev.monetize.keys.Redaction.containsSecret(value) ? value
        : hasValue ? hash(value) : "";
    out.merge(shownName, shown, (a, b) -> a + "," + b); // a repeated parameter keeps every value
  }

  /** {@code #} and 16 hex digits of the keyed hash of {@code value}. */
  public String hash(String value) {
    Mac m = macs.get();
    byte[] digest = m.doFinal(value.getBytes(StandardCharsets.UTF_8));
    return "#" + HEX.formatHex(Arrays.copyOf(digest, 8));
  }

  /** At most {@code max} characters of {@code s}, never half of a surrogate pair. */
  public static String cut(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    int end = Character.isLowSurrogate(s.charAt(max)) && Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
    return s.substring(0, end);
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s; // a malformed escape: kept as sent (its value is hashed unless auditable)
    }
  }

  private Mac mac() {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(key);
      return m;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA-256 is part of every JDK", e);
    }
  }
}
