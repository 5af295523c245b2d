package dev.monetize.limits;

import java.util.Objects;

/**
 * At most {@code limit} requests in flight. Acquired at admission, released by
 * {@link LimiterStore#release(java.util.List, LimitVerdict)} when the request completes. Announced with
 * {@code qu="concurrent-requests"}.
 *
 * @param name policy name
 * @param limit requests in flight
 */
public record ConcurrencyPolicy(String name, long limit) implements LimitPolicy {
  /** Validates. */
  public ConcurrencyPolicy {
    Objects.requireNonNull(name, "name");
    if (limit < 1) {
      throw new IllegalArgumentException("concurrency limit must be at least 1, got " + limit);
    }
  }

  @Override
  public long quota() {
    return limit;
  }

  @Override
  public long windowSeconds() {
    return 1;
  }

  @Override
  public String unit() {
    return "concurrent-requests";
  }
}
