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
}
