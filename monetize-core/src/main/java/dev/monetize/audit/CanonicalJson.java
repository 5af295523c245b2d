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
    StringBuilder out = new StringBuilder(256);
    write(out, value);
    return out.toString();
  }

  private static void write(StringBuilder out, Object v) {
    if (v == null) {
      out.append("null");
    } else if (v instanceof String s) {
      string(out, s);
    } else if (v instanceof Long || v instanceof Integer) {
      long n = ((Number) v).longValue();
      if (Math.abs(n) > (1L << 53)) {
        throw new IllegalArgumentException("a number beyond 2^53 is not I-JSON: " + n);
      }
      out.append(n);
    } else if (v instanceof Boolean b) {
      out.append(b.booleanValue());
    } else if (v instanceof Map<?, ?> m) {
      TreeMap<String, Object> sorted = new TreeMap<>(); // String order is UTF-16 code unit order
      m.forEach((k, x) -> sorted.put((String) k, x));
      out.append('{');
      boolean first = true;
      for (Map.Entry<String, Object> e : sorted.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        string(out, e.getKey());
        out.append(':');
        write(out, e.getValue());
      }
      out.append('}');
    } else if (v instanceof List<?> l) {
      out.append('[');
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        write(out, l.get(i));
      }
      out.append(']');
    } else {
      throw new IllegalArgumentException("not a value of an audit event: " + v.getClass().getSimpleName());
    }
  }

  static void string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          boolean lone = Character.isHighSurrogate(c) ? i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))
              : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
          if (c < 0x20 || lone) { // a lone surrogate is escaped, as JSON.stringify does since ES2019
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
