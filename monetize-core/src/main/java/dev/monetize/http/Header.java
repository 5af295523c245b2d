package dev.monetize.http;

import java.util.Objects;

/**
 * One response header an adapter must set.
 *
 * @param name header name
 * @param value header value
 */
public record Header(String name, String value) {
  /** Validates. */
  public Header {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
  }

  /**
   * Whether a header of this name adds to what a response already holds rather than replacing it
   * ({@code Vary} and {@code Link} are lists that several parts of a response contribute to).
   */
  public boolean merges() {
    return name.equalsIgnoreCase("Vary") || name.equalsIgnoreCase("Link");
  }

  /** {@code existing} (may be null) with this header's value added, each list member once. */
  public String mergedWith(String existing) {
    if (existing == null || existing.isBlank()) {
      return value;
    }
    for (String member : existing.split(",")) {
      if (member.strip().equalsIgnoreCase(value.strip())) {
        return existing;
      }
    }
    return existing + ", " + value;
  }
}
