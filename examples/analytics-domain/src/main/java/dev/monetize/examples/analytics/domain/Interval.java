package dev.monetize.examples.analytics.domain;

import java.time.Duration;
import java.util.Locale;

/** Bucket width of a time series. */
public enum Interval {
  /** One minute. */
  MINUTE(Duration.ofMinutes(1)),
  /** One hour. */
  HOUR(Duration.ofHours(1)),
  /** One day (UTC). */
  DAY(Duration.ofDays(1));

  private final Duration length;

  Interval(Duration length) {
    this.length = length;
  }

  /** The bucket width. */
  public Duration length() {
    return length;
  }

  /** Parses {@code minute|hour|day} or {@code 1m|1h|1d}, case-insensitive. */
  public static Interval parse(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    return switch (t) {
      case "minute", "1m" -> MINUTE;
      case "hour", "1h" -> HOUR;
      case "day", "1d" -> DAY;
      default -> throw new BadInputException("interval: expected minute, hour or day, got '" + abbreviate(text) + "'",
          "Use interval=minute, interval=hour or interval=day.");
    };
  }

  static String abbreviate(String s) {
    if (s == null) {
      return "";
    }
    return s.length() > 40 ? s.substring(0, 37) + "..." : s;
  }
}
