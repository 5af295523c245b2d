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
  /** The earliest instant a query names: events are from 1970 on. */
  public static final Instant EARLIEST = Instant.EPOCH;
  /** The latest instant a query names: events are up to 9999-12-31T23:59:59.999Z. */
  public static final Instant LATEST = Instant.parse("+10000-01-01T00:00:00Z");

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
    Instant at;
    try {
      at = Instant.parse(text.trim());
    } catch (DateTimeParseException e) {
      throw new BadInputException(name + ": expected an ISO-8601 instant such as 2026-01-31T00:00:00Z, got '"
          + Interval.abbreviate(text) + "'", "Send " + name + " as UTC date-time with a Z, e.g. 2026-01-31T00:00:00Z.");
    }
    if (at.isBefore(EARLIEST) || at.isAfter(LATEST)) {
      throw new BadInputException(name + ": " + at + " is outside the years events can have (1970 to 9999)",
          "Send " + name + " between 1970-01-01T00:00:00Z and 10000-01-01T00:00:00Z.");
    }
    return at;
  }
}
