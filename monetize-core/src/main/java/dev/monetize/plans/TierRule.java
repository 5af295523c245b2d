package dev.monetize.plans;

import java.util.Objects;

/**
 * A rule that moves customers between plans by how they use them, evaluated on the usage the engine
 * keeps (once an hour, and on {@code Monetize.evaluateTierRules()}).
 *
 * <pre>{@code
 * tier_rules:
 *   - { name: grow, from: free, to: pro, action: suggest,
 *       when: { quota: daily, used_at_least: 90, days: 3, of_last_days: 7 } }
 *   - { name: shrink, from: pro, to: free, action: at_period_end,
 *       when: { used_below: 20, periods: 2 } }
 * }</pre>
 *
 * @param name the rule's name, in events and suggestions
 * @param from the plan it applies to
 * @param to the plan it moves customers to (a plan that needs approval is only ever suggested)
 * @param when the usage that triggers it
 * @param action what it does
 */
public record TierRule(String name, String from, String to, Condition when, Action action) {
  /** What a rule does when a customer meets it. */
  public enum Action {
    /** Announce a suggestion (an event, {@code /monetize/usage}, the hint of limit refusals). */
    SUGGEST,
    /** Schedule the change for the end of the billing period. */
    AT_PERIOD_END,
    /** Change the plan now. */
    NOW
  }

  /** The usage that triggers a rule. */
  public sealed interface Condition permits QuotaPressure, LowUse {
  }

  /**
   * A daily quota at least {@code percent}% used on at least {@code days} of the last {@code ofLastDays}
   * whole days (UTC).
   */
  public record QuotaPressure(String quota, int percent, int days, int ofLastDays) implements Condition {
    /** Validates. */
    public QuotaPressure {
      Objects.requireNonNull(quota, "quota");
      if (percent < 1 || percent > 100 || ofLastDays < 1 || ofLastDays > 90 || days < 1 || days > ofLastDays) {
        throw new IllegalArgumentException("used_at_least is 1..100, of_last_days 1..90 and days 1..of_last_days; got "
            + percent + ", " + ofLastDays + ", " + days);
      }
    }
  }

  /**
   * Less than {@code percent}% of the plan's allowance (its monthly quota, else its daily quota times
   * the period's days) used in each of the last {@code periods} whole billing periods.
   */
  public record LowUse(int percent, int periods) implements Condition {
    /** Validates. */
    public LowUse {
      if (percent < 1 || percent > 100 || periods < 1 || periods > 12) {
        throw new IllegalArgumentException("used_below is 1..100 and periods 1..12; got " + percent + ", " + periods);
      }
    }
  }

  /** Validates. */
  public TierRule {
    Names.requirePolicyName(name, "tier rule name");
    Names.requirePlanName(from, "tier rule '" + name + "' from");
    Names.requirePlanName(to, "tier rule '" + name + "' to");
    Objects.requireNonNull(when, "when");
    Objects.requireNonNull(action, "action");
    if (from.equals(to)) {
      throw new IllegalArgumentException("tier rule '" + name + "' moves from and to plan '" + from + "'");
    }
  }
}
