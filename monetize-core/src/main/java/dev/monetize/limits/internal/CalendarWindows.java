package dev.monetize.limits.internal;

import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.QuotaWindow;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;

/**
 * Calendar window boundaries in the customer's time zone. Days start at the zone's start of day
 * (which DST can move); months start on the billing day, and a billing day past the end of a short
 * month falls back to that month's last day (the 31st bills on 30 April and 28/29 February).
 */
public final class CalendarWindows {
  private static final long NANOS = 1_000_000_000L;

  private CalendarWindows() {}

  /** The start (inclusive) of the window containing {@code nowEpochNanos}, epoch ns. */
  public static long start(QuotaWindow window, BillingAnchor anchor, long nowEpochNanos) {
    return toNanos(startInstant(window, anchor, toInstant(nowEpochNanos)));
  }

  /** The end (exclusive) of the window containing {@code nowEpochNanos}, epoch ns. */
  public static long end(QuotaWindow window, BillingAnchor anchor, long nowEpochNanos) {
    return toNanos(endInstant(window, anchor, toInstant(nowEpochNanos)));
  }

  /** The start (inclusive) of the window containing {@code now}. */
  public static Instant startInstant(QuotaWindow window, BillingAnchor anchor, Instant now) {
    ZonedDateTime t = now.atZone(anchor.zone());
    return switch (window) {
      case MINUTE -> t.truncatedTo(ChronoUnit.MINUTES).toInstant();
      case HOUR -> t.truncatedTo(ChronoUnit.HOURS).toInstant();
      case DAY -> t.toLocalDate().atStartOfDay(anchor.zone()).toInstant();
      case MONTH -> monthStartDate(anchor, t).atStartOfDay(anchor.zone()).toInstant();
    };
  }

  /** The end (exclusive) of the window containing {@code now}. */
  public static Instant endInstant(QuotaWindow window, BillingAnchor anchor, Instant now) {
    ZonedDateTime t = now.atZone(anchor.zone());
    return switch (window) {
      case MINUTE -> t.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1).toInstant();
      // plusHours on the instant line, so a repeated DST hour is two windows, not one of 2h
      case HOUR -> t.truncatedTo(ChronoUnit.HOURS).toInstant().plusSeconds(3600);
      case DAY -> t.toLocalDate().plusDays(1).atStartOfDay(anchor.zone()).toInstant();
      case MONTH -> billingDay(anchor, YearMonth.from(monthStartDate(anchor, t)).plusMonths(1))
          .atStartOfDay(anchor.zone()).toInstant();
    };
  }

  /** The billing day of {@code month}, clamped to the month's length. */
  public static LocalDate billingDay(BillingAnchor anchor, YearMonth month) {
    return month.atDay(Math.min(anchor.dayOfMonth(), month.lengthOfMonth()));
  }

  private static LocalDate monthStartDate(BillingAnchor anchor, ZonedDateTime t) {
    LocalDate today = t.toLocalDate();
    LocalDate thisMonths = billingDay(anchor, YearMonth.from(today));
    return today.isBefore(thisMonths) ? billingDay(anchor, YearMonth.from(today).minusMonths(1)) : thisMonths;
  }

  private static Instant toInstant(long epochNanos) {
    return Instant.ofEpochSecond(Math.floorDiv(epochNanos, NANOS), Math.floorMod(epochNanos, NANOS));
  }

  private static long toNanos(Instant i) {
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), NANOS), i.getNano());
  }
}
