package dev.monetize.audit;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * RFC 8785 (JSON Canonicalization Scheme) for the values audit events hold: objects with their
 * members sorted by the UTF-16 code units of their names, no whitespace, strings escaped as
 * ECMAScript's {@code JSON.stringify} escapes them, whole numbers in decimal (within I-JSON's
 * 2^53), {@code true}, {@code false} and {@code null}. Anyone can recompute an event's hash from its
 * exported JSON with any RFC 8785 implementation.
 *
 * <pre>{@code
 * CanonicalJson.of(Map.of("b", 2, "a", "x")); // {"a":"x","b":2}
 * }</pre>
 */
public final class CanonicalJson {
  private CanonicalJson() {
  }

  /**
   * The canonical form of {@code value}: a {@link Map} with {@link String} keys, a {@link List}, a
   * {@link String}, a whole number ({@link Long}, {@link Integer}), a {@link Boolean} or {@code null}.
   *
   * @throws IllegalArgumentException for anything else (fractions have no place in an audit event)
   */
  public static String of(Object value) {
    JsonBytes out = new JsonBytes(256);
    write(out, value);
    return out.text();
  }

  private static void write(JsonBytes out, Object v) {
    if (v == null) {
      out.raw("null");
    } else if (v instanceof String s) {
      out.string(s);
    } else if (v instanceof Long || v instanceof Integer) {
      out.number(((Number) v).longValue());
    } else if (v instanceof Boolean b) {
      out.raw(b ? "true" : "false");
    } else if (v instanceof Map<?, ?> m) {
      TreeMap<String, Object> sorted = new TreeMap<>(); // String order is UTF-16 code unit order
      m.forEach((k, x) -> sorted.put((String) k, x));
      out.ascii('{');
      boolean first = true;
      for (Map.Entry<String, Object> e : sorted.entrySet()) {
        if (!first) {
          out.ascii(',');
        }
        first = false;
        out.string(e.getKey());
        out.ascii(':');
        write(out, e.getValue());
      }
      out.ascii('}');
    } else if (v instanceof List<?> l) {
      out.ascii('[');
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) {
          out.ascii(',');
        }
        write(out, l.get(i));
      }
      out.ascii(']');
    } else {
      throw new IllegalArgumentException("not a value of an audit event: " + v.getClass().getSimpleName());
    }
  }
}
