package dev.monetize.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** Reading one document's nodes: every mistake a {@link ConfigException} naming the file and the field path. */
abstract class Nodes {
  final String source;

  Nodes(String source) {
    this.source = source;
  }

  long integer(JsonNode node, String field, String path, long min, long max, long fallback) {
    JsonNode v = node.get(field);
    String p = path + "." + field;
    if (v == null || v.isNull()) {
      if (fallback < min) {
        throw fail(p, "required: a whole number from " + min + " to " + max);
      }
      return fallback;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
      throw fail(p, "must be a whole number from " + min + " to " + max + "; got " + v);
    }
    return v.asLong();
  }

  /** {@code true} or {@code false} as written (absent or null: false); a string such as "yes" is refused. */
  boolean flag(JsonNode node, String field, String path) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      throw fail(path + "." + field, "must be true or false; got " + abbreviate(v.toString()));
    }
    return v.asBoolean();
  }

  String requiredText(JsonNode node, String field, String path) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw fail(path + "." + field, "required: a non-empty string" + (v == null ? "" : "; got " + v));
    }
    return v.asText();
  }

  String text(JsonNode node, String field, String path, String fallback) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isTextual()) {
      throw fail(path + "." + field, "must be a string; got " + v);
    }
    return v.asText();
  }

  void object(JsonNode node, String path, Set<String> allowed) {
    if (node == null || !node.isObject()) {
      throw fail(path, "must be a mapping" + (node == null ? "" : "; got " + abbreviate(node.toString())));
    }
    if (allowed == null) {
      return;
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw fail(path.isEmpty() ? f : path + "." + f,
            "unknown field; allowed here: " + new java.util.TreeSet<>(allowed));
      }
    }
  }

  <T> T guard(String path, java.util.function.Supplier<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw fail(path, e.getMessage());
    }
  }

  void guard(String path, Runnable build) {
    guard(path, () -> {
      build.run();
      return null;
    });
  }

  ConfigException fail(String path, String problem) {
    return new ConfigException(source, path, problem);
  }

  static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }

  private static final java.util.regex.Pattern SHORT_DURATION = java.util.regex.Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

  /** A duration field: {@code 500ms}, {@code 1s}, {@code 1m}, {@code 1h}, {@code 1d}, ISO-8601, or whole seconds; {@code fallback} when absent. */
  java.time.Duration duration(JsonNode node, String field, String path, java.time.Duration fallback) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    String p = path + "." + field;
    String allowed = "a duration such as 500ms, 1s, 1m, 1h, 1d or ISO-8601 PT1S";
    if (v.isIntegralNumber() && v.canConvertToLong() && v.asLong() > 0 && v.asLong() <= 86_400) {
      return java.time.Duration.ofSeconds(v.asLong());
    }
    if (!v.isTextual()) {
      throw fail(p, "must be " + allowed + "; got " + v);
    }
    String s = v.asText().trim();
    java.util.regex.Matcher m = SHORT_DURATION.matcher(s);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> java.time.Duration.ofMillis(n);
        case "s" -> java.time.Duration.ofSeconds(n);
        case "m" -> java.time.Duration.ofMinutes(n);
        case "h" -> java.time.Duration.ofHours(n);
        default -> java.time.Duration.ofDays(n);
      };
    }
    try {
      return java.time.Duration.parse(s);
    } catch (java.time.format.DateTimeParseException e) {
      throw fail(p, "must be " + allowed + "; got '" + s + "'");
    }
  }

  private static final java.util.regex.Pattern SIZE = java.util.regex.Pattern.compile("(\\d{1,10})\\s*(B|KiB|MiB|GiB)");

  /** A size field: whole bytes, or {@code 64KiB}, {@code 1MiB}, {@code 1GiB}; {@code fallback} when absent. */
  long bytes(JsonNode node, String field, String path, long fallback) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    String p = path + "." + field;
    String allowed = "a size from 1 byte to 1GiB, in bytes or as 64KiB, 1MiB, 1GiB";
    long bytes = -1;
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      bytes = v.asLong();
    } else if (v.isTextual()) {
      java.util.regex.Matcher m = SIZE.matcher(v.asText().strip());
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        int shift = switch (m.group(2)) {
          case "KiB" -> 10;
          case "MiB" -> 20;
          case "GiB" -> 30;
          default -> 0;
        };
        bytes = n <= (1L << 30) ? n << shift : -1;
      }
    }
    if (bytes < 1 || bytes > (1L << 30)) {
      throw fail(p, "must be " + allowed + "; got " + abbreviate(v.toString()));
    }
    return bytes;
  }
}
