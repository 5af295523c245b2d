package dev.monetize.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.limits.internal.CalendarWindows;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.QuotaWindow;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class CalendarWindowsTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  @Test
  void dayFollowsTheCustomersZone() {
    BillingAnchor anchor = BillingAnchor.of(1, BERLIN);
    Instant now = Instant.parse("2026-06-10T22:30:00Z"); // 00:30 on 11 June in Berlin
    assertThat(CalendarWindows.startInstant(QuotaWindow.DAY, anchor, now)).isEqualTo("2026-06-10T22:00:00Z");
    assertThat(CalendarWindows.endInstant(QuotaWindow.DAY, anchor, now)).isEqualTo("2026-06-11T22:00:00Z");
  }

  @Test
  void dstDaysAre23And25HoursLong() {
    BillingAnchor anchor = BillingAnchor.of(1, BERLIN);
    Instant spring = Instant.parse("2026-03-29T12:00:00Z");
    assertThat(Duration.between(CalendarWindows.startInstant(QuotaWindow.DAY, anchor, spring),
        CalendarWindows.endInstant(QuotaWindow.DAY, anchor, spring))).isEqualTo(Duration.ofHours(23));
    Instant autumn = Instant.parse("2026-10-25T12:00:00Z");
    assertThat(Duration.between(CalendarWindows.startInstant(QuotaWindow.DAY, anchor, autumn),
        CalendarWindows.endInstant(QuotaWindow.DAY, anchor, autumn))).isEqualTo(Duration.ofHours(25));
  }

  @Test
  void billingDay31FallsBackToTheLastDayOfShortMonths() {
    BillingAnchor anchor = BillingAnchor.of(31, ZoneId.of("UTC"));
    Instant midFeb = Instant.parse("2028-02-15T00:00:00Z"); // leap year
    assertThat(CalendarWindows.startInstant(QuotaWindow.MONTH, anchor, midFeb)).isEqualTo("2028-01-31T00:00:00Z");
    assertThat(CalendarWindows.endInstant(QuotaWindow.MONTH, anchor, midFeb)).isEqualTo("2028-02-29T00:00:00Z");
    Instant lastOfFeb = Instant.parse("2028-02-29T10:00:00Z");
    assertThat(CalendarWindows.startInstant(QuotaWindow.MONTH, anchor, lastOfFeb)).isEqualTo("2028-02-29T00:00:00Z");
    assertThat(CalendarWindows.endInstant(QuotaWindow.MONTH, anchor, lastOfFeb)).isEqualTo("2028-03-31T00:00:00Z");
    Instant april = Instant.parse("2027-04-30T23:59:59Z");
    assertThat(CalendarWindows.startInstant(QuotaWindow.MONTH, anchor, april)).isEqualTo("2027-04-30T00:00:00Z");
  }

  @Property(tries = 500)
  void windowsContainNowAndTileTheTimeline(
      @ForAll @LongRange(min = 946_684_800L, max = 4_102_444_800L) long epochSecond,
      @ForAll @IntRange(min = 1, max = 31) int billingDay,
      @ForAll("zones") String zone,
      @ForAll QuotaWindow window) {
    BillingAnchor anchor = BillingAnchor.of(billingDay, ZoneId.of(zone));
    Instant now = Instant.ofEpochSecond(epochSecond);
    Instant start = CalendarWindows.startInstant(window, anchor, now);
    Instant end = CalendarWindows.endInstant(window, anchor, now);
    assertThat(start).isBeforeOrEqualTo(now);
    assertThat(end).isAfter(now);
    // the next window starts exactly where this one ends
    assertThat(CalendarWindows.startInstant(window, anchor, end)).isEqualTo(end);
    // and the previous window ends exactly where this one starts
    assertThat(CalendarWindows.endInstant(window, anchor, start.minusNanos(1))).isEqualTo(start);
    if (window == QuotaWindow.MONTH) {
      LocalDate startDay = ZonedDateTime.ofInstant(start, anchor.zone()).toLocalDate();
      assertThat(startDay.getDayOfMonth()).isEqualTo(Math.min(billingDay, startDay.lengthOfMonth()));
    }
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> zones() {
    return net.jqwik.api.Arbitraries.of("UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata",
        "Australia/Lord_Howe", "Pacific/Chatham", "America/St_Johns", "Asia/Kathmandu");
  }
}
