package dev.monetize.examples.analytics.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Parses an ingest body: a JSON array of events such as
 * {@code {"type":"page_view","timestamp":"2026-11-24T10:00:00Z","user_id":"u1","value":2.5,
 * "properties":{"page":"/home"}}}. Any mistake is a {@link BadInputException} naming the element
 * and field; unknown fields are ignored.
 */
public final class EventParser {
  /** Most events in one body. */
  public static final int MAX_EVENTS = 10_000;
  static final int MAX_PROPERTIES = 50;
  private static final long MAX_EPOCH_MILLIS = 253_402_300_799_999L; // 9999-12-31T23:59:59.999Z
  private static final String HINT = "Send a JSON array of objects with a string 'type' and optional 'timestamp' "
      + "(ISO-8601 or epoch milliseconds), 'user_id', 'value' (number) and 'properties' (object of scalars).";
  /** The largest magnitude of a value: sums of any number of them stay finite. */
  public static final double MAX_VALUE = 1e15;
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private final Clock clock;

  /** A parser that stamps events without a timestamp with {@code clock}'s time. */
  public EventParser(Clock clock) {
    this.clock = clock;
  }

  /** Parses a body. */
  public List<Event> parse(byte[] body) {
    JsonNode root;
    for (int i = 0; i < Math.min(4, body.length); i++) {
      if (body[i] == 0) { // UTF-16 or UTF-32, which the JSON parser would recognize and read: a body is UTF-8
        throw new BadInputException("the body is not UTF-8 text", HINT);
      }
    }
    try {
      root = body.length == 0 ? null : JSON.readTree(body);
    } catch (JsonProcessingException e) {
      // the parser's own message names its classes and settings: say where, not how it failed inside
      com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
      String where = at == null || at.getLineNr() < 1 ? ""
          : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
      if (String.valueOf(e.getOriginalMessage()).startsWith("Duplicate field")) { // which one counts is not guessed
        throw new BadInputException("an object of the body gives a field twice" + where, HINT);
      }
      throw new BadInputException("the body is not valid JSON" + where, HINT);
    } catch (IOException e) {
      throw new BadInputException("the body could not be read", HINT);
    }
    if (root == null || root.isMissingNode()) {
      throw new BadInputException("the body is empty; expected a JSON array of events", HINT);
    }
    if (!root.isArray()) {
      throw new BadInputException("the body must be a JSON array of events, got " + kind(root), HINT);
    }
    if (root.size() > MAX_EVENTS) {
      throw new BadInputException("too many events: " + root.size() + " (at most " + MAX_EVENTS + " per request)",
          "Split the events into several requests.");
    }
    Instant now = clock.instant();
    List<Event> events = new ArrayList<>(root.size());
    for (int i = 0; i < root.size(); i++) {
      events.add(event(root.get(i), "events[" + i + "]", now));
    }
    return events;
  }

  private static Event event(JsonNode n, String at, Instant now) {
    if (!n.isObject()) {
      throw new BadInputException(at + ": expected an object, got " + kind(n), HINT);
    }
    JsonNode type = n.get("type");
    if (type == null || !type.isTextual() || type.asText().isBlank() || type.asText().length() > 100) {
      throw new BadInputException(at + ".type: expected a string of 1-100 characters, got " + describe(type), HINT);
    }
    printable(type.asText(), at + ".type");
    Instant timestamp = timestamp(n.get("timestamp"), at + ".timestamp", now);
    Optional<String> user = Optional.empty();
    JsonNode u = n.get("user_id");
    if (u != null && !u.isNull()) {
      if (!u.isTextual() || u.asText().isEmpty() || u.asText().length() > 200) {
        throw new BadInputException(at + ".user_id: expected a string of 1-200 characters, got " + describe(u), HINT);
      }
      user = Optional.of(printable(u.asText(), at + ".user_id"));
    }
    double value = 1.0;
    JsonNode v = n.get("value");
    if (v != null && !v.isNull()) {
      if (!v.isNumber() || !Double.isFinite(v.asDouble()) || Math.abs(v.asDouble()) > MAX_VALUE) {
        throw new BadInputException(at + ".value: expected a number between -1e15 and 1e15, got " + describe(v), HINT);
      }
      value = v.asDouble();
    }
    return new Event(type.asText(), timestamp, user, value, properties(n.get("properties"), at + ".properties"));
  }

  private static Instant timestamp(JsonNode t, String at, Instant now) {
    if (t == null || t.isNull()) {
      return now;
    }
    if (t.isIntegralNumber() && t.canConvertToLong() && t.asLong() >= 0 && t.asLong() <= MAX_EPOCH_MILLIS) {
      return Instant.ofEpochMilli(t.asLong());
    }
    if (t.isTextual()) {
      try {
        Instant parsed = Instant.parse(t.asText());
        if (parsed.toEpochMilli() >= 0 && parsed.toEpochMilli() <= MAX_EPOCH_MILLIS) {
          return parsed.truncatedTo(java.time.temporal.ChronoUnit.MICROS); // what every store keeps (PostgreSQL's precision)
        }
      } catch (DateTimeParseException | ArithmeticException e) {
        // reported below
      }
    }
    throw new BadInputException(at + ": expected an ISO-8601 instant or epoch milliseconds, got " + describe(t), HINT);
  }

  private static Map<String, String> properties(JsonNode p, String at) {
    if (p == null || p.isNull()) {
      return Map.of();
    }
    if (!p.isObject()) {
      throw new BadInputException(at + ": expected an object, got " + kind(p), HINT);
    }
    if (p.size() > MAX_PROPERTIES) {
      throw new BadInputException(at + ": at most " + MAX_PROPERTIES + " properties, got " + p.size(), HINT);
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      if (!(v.isTextual() || v.isNumber() || v.isBoolean())) {
        throw new BadInputException(at + "." + Interval.abbreviate(e.getKey())
            + ": expected a string, number or boolean, got " + kind(v), HINT);
      }
      if (e.getKey().length() > 100 || v.asText().length() > 1000) {
        throw new BadInputException(at + "." + Interval.abbreviate(e.getKey())
            + ": names are at most 100 and values at most 1000 characters", HINT);
      }
      printable(e.getKey(), at + " (a property's name)");
      out.put(e.getKey(), v.isTextual() ? printable(v.asText(), at + "." + Interval.abbreviate(e.getKey())) : v.asText());
    }
    return out;
  }

  /**
   * {@code text}, refused when it holds a control character (a NUL no database stores, a line feed
   * that would forge a log line) or half of a surrogate pair (no valid UTF-8 encodes one: a strict
   * client could not read the summary back).
   */
  private static String printable(String text, String at) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7f || c >= 0x80 && c <= 0x9f) {
        throw new BadInputException(at + ": control characters (U+" + String.format("%04X", (int) c)
            + ") are not accepted in text", HINT);
      }
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++; // a whole pair: one character beyond the basic plane
      } else if (Character.isSurrogate(c)) {
        throw new BadInputException(at + ": half of a surrogate pair (U+" + String.format("%04X", (int) c)
            + ") is no character; send text as UTF-8", HINT);
      }
    }
    return text;
  }

  private static String kind(JsonNode n) {
    if (n == null) {
      return "nothing";
    }
    return switch (n.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> "an unsupported value";
    };
  }

  private static String describe(JsonNode n) {
    if (n == null) {
      return "nothing";
    }
    if (n.isTextual()) {
      return "\"" + Interval.abbreviate(n.asText()) + "\"";
    }
    return n.isValueNode() ? Interval.abbreviate(n.toString()) : kind(n);
  }
}
