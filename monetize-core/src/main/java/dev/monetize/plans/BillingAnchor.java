package dev.monetize.plans;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * Where a customer's billing month starts: a day of the month (1-31; in shorter months the last
 * day stands in for it) and the time zone in which days and months are counted.
 *
 * <pre>{@code
 * BillingAnchor a = BillingAnchor.of(31, ZoneId.of("Europe/Berlin"));
 * }</pre>
 *
 * @param dayOfMonth 1..31
 * @param zone time zone of the customer's calendar
 */
public record BillingAnchor(int dayOfMonth, ZoneId zone) {
  private static final ZoneId UTC = ZoneId.of("UTC");

  /** The first of the month, in UTC. */
  public static final BillingAnchor DEFAULT = new BillingAnchor(1, UTC);

  /**
   * Validates the values and names the wrong one. {@link ZoneOffset#UTC} is kept as the zone
   * {@code UTC} (the same rules), so a customer made in code shows the id the management API gives
   * by default, not {@code Z}.
   */
  public BillingAnchor {
    Objects.requireNonNull(zone, "zone");
    if (zone.equals(ZoneOffset.UTC)) {
      zone = UTC;
    }
    if (dayOfMonth < 1 || dayOfMonth > 31) {
      throw new IllegalArgumentException("billing day must be 1..31, got " + dayOfMonth);
    }
  }

  /** Since when offsets are checked: every region's offset has been a whole quarter hour since 1972. */
  private static final java.time.Instant CHECKED_FROM = java.time.Instant.parse("1980-01-01T00:00:00Z");

  /**
   * An offset of {@code zone} from {@link #CHECKED_FROM} on that is not a whole quarter hour, if any
   * (the usage meter cuts its intervals on quarter hours, so that none spans the start of a day).
   */
  private static java.util.Optional<ZoneOffset> offMinutes(ZoneId zone) {
    java.time.zone.ZoneRules rules = zone.getRules();
    java.util.stream.Stream<ZoneOffset> offsets = java.util.stream.Stream.concat(
        java.util.stream.Stream.of(rules.getOffset(CHECKED_FROM)),
        java.util.stream.Stream.concat(
            rules.getTransitions().stream().filter(t -> !t.getInstant().isBefore(CHECKED_FROM))
                .map(java.time.zone.ZoneOffsetTransition::getOffsetAfter),
            rules.getTransitionRules().stream().flatMap(r -> java.util.stream.Stream.of(r.getOffsetAfter(),
                r.getStandardOffset()))));
    return offsets.filter(o -> o.getTotalSeconds() % (15 * 60) != 0).findFirst();
  }

  /**
   * An anchor on {@code dayOfMonth} in {@code zone}, which must keep its days on quarter hours (the
   * usage meter cuts its intervals there, so that none spans the start of a day): every region id
   * does; a fixed offset such as {@code +05:17} is refused. The constructor takes any zone, for
   * anchors stored before this check.
   *
   * @throws IllegalArgumentException naming the zone and its offset otherwise
   */
  public static BillingAnchor of(int dayOfMonth, ZoneId zone) {
    BillingAnchor anchor = new BillingAnchor(dayOfMonth, zone);
    java.util.Optional<ZoneOffset> off = offMinutes(anchor.zone);
    if (off.isPresent()) {
      throw new IllegalArgumentException("time zone " + zone.getId() + " is " + off.get() + " from UTC, not a whole "
          + "quarter hour: billing days start on quarter hours; use an offset such as +05:15 or a region id such as "
          + "Asia/Kolkata");
    }
    return anchor;
  }
}
