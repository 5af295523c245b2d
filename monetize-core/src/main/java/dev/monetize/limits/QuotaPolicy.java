package dev.monetize.limits;

import dev.monetize.limits.internal.CalendarWindows;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.QuotaWindow;
import java.util.Objects;

/**
 * A quota of units per calendar window of one customer, counted in the customer's time zone and
 * from the customer's billing day.
 *
 * @param name policy name
 * @param limit units per window
 * @param window the window
 * @param anchor the customer's billing anchor (zone and billing day)
 */
public record QuotaPolicy(String name, long limit, QuotaWindow window, BillingAnchor anchor)
    implements LimitPolicy {
  /** Validates. */
  public QuotaPolicy {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(anchor, "anchor");
    if (limit < 1) {
      throw new IllegalArgumentException("quota limit must be at least 1, got " + limit);
    }
  }

  @Override
  public long quota() {
    return limit;
  }

  @Override
  public long windowSeconds() {
    return window.nominalLength().toSeconds();
  }

  /** The end (exclusive, epoch ns) of the window that contains {@code nowEpochNanos}. */
  public long windowEnd(long nowEpochNanos) {
    return CalendarWindows.end(window, anchor, nowEpochNanos);
  }

  /** The start (inclusive, epoch ns) of the window that contains {@code nowEpochNanos}. */
  public long windowStart(long nowEpochNanos) {
    return CalendarWindows.start(window, anchor, nowEpochNanos);
  }
}
