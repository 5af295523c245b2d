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
    return merges(name);
  }

  /** Whether a header named {@code name} merges ({@link #merges()}). */
  public static boolean merges(String name) {
    return name.equalsIgnoreCase("Vary") || name.equalsIgnoreCase("Link");
  }

  /**
   * {@code existing} (may be null) with this header's value added, each list member once: the
   * members of this value that {@code existing} lacks are appended in order.
   */
  public String mergedWith(String existing) {
    if (existing == null || existing.isBlank()) {
      return value;
    }
    if (!name.equalsIgnoreCase("Vary")) { // a Link value is one member (its URL may hold a comma)
      return contains(existing, value.strip()) ? existing : existing + ", " + value;
    }
    StringBuilder out = new StringBuilder(existing);
    for (String member : value.split(",")) {
      String m = member.strip();
      if (!m.isEmpty() && !contains(out, m)) {
        out.append(", ").append(m);
      }
    }
    return out.toString();
  }

  private static boolean contains(CharSequence list, String member) {
    for (String present : list.toString().split(",")) {
      if (present.strip().equalsIgnoreCase(member)) {
        return true;
      }
    }
    return false;
  }
}
