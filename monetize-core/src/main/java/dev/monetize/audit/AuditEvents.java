package dev.monetize.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Reads an event back from the JSON {@link AuditEvent#json()} wrote. */
final class AuditEvents {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AuditEvents() {
  }

  static AuditEvent parse(String json) {
    JsonNode n;
    try {
      n = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("an audit event is one JSON object, this line is not valid JSON");
    }
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("an audit event is one JSON object");
    }
    try {
      return new AuditEvent(Instant.parse(text(n, "time")), text(n, "request_id"), optional(n, "customer_id"),
          optional(n, "key_id"), text(n, "operation"), text(n, "method"), text(n, "path"), text(n, "client_address"),
          (int) number(n, "status"), text(n, "code"), number(n, "latency_us"), number(n, "bytes_out"),
          strings(n, "details"), number(n, "bytes_in"), number(n, "seq"), text(n, "prev_hash"),
          n.path("hash").asText(""), text(n, "segment"), n.path("path_template").asText(""), strings(n, "query"),
          n.path("user_agent").asText(""));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("audit event: time is not an ISO-8601 instant");
    }
  }

  private static String text(JsonNode n, String name) {
    JsonNode v = n.get(name);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("audit event: '" + name + "' is missing or not a string");
    }
    return v.asText();
  }

  private static Optional<String> optional(JsonNode n, String name) {
    JsonNode v = n.get(name);
    return v == null || v.isNull() ? Optional.empty() : Optional.of(text(n, name));
  }

  private static long number(JsonNode n, String name) {
    JsonNode v = n.get(name);
    if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
      throw new IllegalArgumentException("audit event: '" + name + "' is missing or not a whole number");
    }
    return v.asLong();
  }

  private static Map<String, String> strings(JsonNode n, String name) {
    JsonNode v = n.get(name);
    if (v == null) {
      return Map.of();
    }
    if (!v.isObject()) {
      throw new IllegalArgumentException("audit event: '" + name + "' is not an object");
    }
    Map<String, String> m = new TreeMap<>();
    v.fields().forEachRemaining(f -> m.put(f.getKey(), f.getValue().asText()));
    return m;
  }
}
