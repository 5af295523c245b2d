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

  /** An anchor on {@code dayOfMonth} in {@code zone}. */
  public static BillingAnchor of(int dayOfMonth, ZoneId zone) {
    return new BillingAnchor(dayOfMonth, zone);
  }
}
