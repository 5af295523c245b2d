package dev.monetize.examples.analytics.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * A half-open range {@code [from, to)} of a query.
 *
 * @param from start, inclusive
 * @param to end, exclusive
 */
public record TimeRange(Instant from, Instant to) {
  /** The longest range one query may cover. */
  public static final Duration MAX = Duration.ofDays(366);

  /**
   * Parses optional ISO-8601 instants: {@code to} defaults to now, {@code from} to 24 hours before
   * {@code to}.
   */
  public static TimeRange parse(String from, String to, Clock clock) {
    Instant end = blank(to) ? clock.instant() : instant("to", to);
    Instant start = blank(from) ? end.minus(Duration.ofDays(1)) : instant("from", from);
    if (!start.isBefore(end)) {
      throw new BadInputException("from (" + start + ") must be before to (" + end + ")",
          "Swap the two values or widen the range.");
    }
    if (Duration.between(start, end).compareTo(MAX) > 0) {
      throw new BadInputException("the range from " + start + " to " + end + " is longer than 366 days",
          "Query at most 366 days at a time.");
    }
    return new TimeRange(start, end);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static Instant instant(String name, String text) {
    try {
      return Instant.parse(text.trim());
    } catch (DateTimeParseException e) {
      throw new BadInputException(name + ": expected an ISO-8601 instant such as 2026-01-31T00:00:00Z, got '"
          + Interval.abbreviate(text) + "'", "Send " + name + " as UTC date-time with a Z, e.g. 2026-01-31T00:00:00Z.");
    }
  }
}
