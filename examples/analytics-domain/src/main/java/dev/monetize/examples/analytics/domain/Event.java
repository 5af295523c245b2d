package dev.monetize.examples.analytics.domain;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One analytics event.
 *
 * @param type what happened, e.g. {@code page_view}
 * @param timestamp when it happened
 * @param userId who did it, if known
 * @param value a number to sum (1 by default)
 * @param properties free-form string properties
 */
public record Event(String type, Instant timestamp, Optional<String> userId, double value, Map<String, String> properties) {
  /** Validates. */
  public Event {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(userId, "userId");
    properties = Map.copyOf(properties);
    if (type.isBlank() || type.length() > 100) {
      throw new IllegalArgumentException("type must be 1-100 characters");
    }
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("value must be finite");
    }
  }

  /** About what the event holds in memory, in bytes: its strings at two bytes a character, and the objects around them. */
  public long approximateBytes() {
    long chars = type.length() + userId.map(String::length).orElse(0);
    for (Map.Entry<String, String> p : properties.entrySet()) {
      chars += p.getKey().length() + p.getValue().length();
    }
    return 120 + 2 * chars + 80L * properties.size();
  }
}
