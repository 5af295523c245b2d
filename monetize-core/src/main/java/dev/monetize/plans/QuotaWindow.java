package dev.monetize.plans;

import java.time.Duration;

/**
 * The window a {@link Quota} counts in. Minute and hour windows are aligned to the clock; day and
 * month windows follow the customer's time zone, and the month window starts on the customer's
 * billing day (see {@link BillingAnchor}).
 */
public enum QuotaWindow {
  /** A clock minute. */
  MINUTE("per-minute", Duration.ofMinutes(1)),
  /** A clock hour in the customer's time zone. */
  HOUR("hourly", Duration.ofHours(1)),
  /** A calendar day in the customer's time zone. */
  DAY("daily", Duration.ofDays(1)),
  /** A billing month, from the billing day to the next, in the customer's time zone. */
  MONTH("monthly", Duration.ofDays(30));

  private final String defaultPolicyName;
  private final Duration nominal;

  QuotaWindow(String defaultPolicyName, Duration nominal) {
    this.defaultPolicyName = defaultPolicyName;
    this.nominal = nominal;
  }

  /** The policy name used when a quota is not named, e.g. {@code daily}. */
  public String defaultPolicyName() {
    return defaultPolicyName;
  }

  /** The nominal length, as announced in {@code RateLimit-Policy} ({@code w}). */
  public Duration nominalLength() {
    return nominal;
  }
}
