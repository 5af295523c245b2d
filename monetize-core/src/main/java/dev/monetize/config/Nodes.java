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
}
