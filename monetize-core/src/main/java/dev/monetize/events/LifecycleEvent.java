package dev.monetize.events;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One lifecycle event, sent as a CloudEvents 1.0 JSON event through the event transport
 * ({@code MonetizeBuilder.eventTransport}), signed like every webhook we send.
 *
 * <table>
 *   <caption>Types</caption>
 *   <tr><td>{@value #QUOTA_THRESHOLD_CROSSED}</td><td>a quota's usage crossed a warning threshold (once per threshold and window)</td></tr>
 *   <tr><td>{@value #PLAN_CHANGED}</td><td>an organization's plan changed</td></tr>
 *   <tr><td>{@value #PLAN_CHANGE_SCHEDULED}</td><td>a plan change was scheduled for the end of the period</td></tr>
 *   <tr><td>{@value #PLAN_CHANGE_CANCELLED}</td><td>a scheduled plan change was cancelled</td></tr>
 *   <tr><td>{@value #TIER_SUGGESTED}</td><td>a tier rule suggests another plan for a customer</td></tr>
 * </table>
 *
 * @param id unique and deterministic for what it announces (a redelivery has the same id)
 * @param type one of the types above
 * @param subject the customer (organization) id
 * @param time when it happened
 * @param data what happened, as JSON members
 */
public record LifecycleEvent(String id, String type, String subject, Instant time, Map<String, Object> data) {
  /** A quota's usage crossed a warning threshold. */
  public static final String QUOTA_THRESHOLD_CROSSED = "dev.monetize.quota.threshold_crossed";
  /** An organization's plan changed. */
  public static final String PLAN_CHANGED = "dev.monetize.plan.changed";
  /** A plan change was scheduled for the end of the billing period. */
  public static final String PLAN_CHANGE_SCHEDULED = "dev.monetize.plan.change_scheduled";
  /** A scheduled plan change was cancelled. */
  public static final String PLAN_CHANGE_CANCELLED = "dev.monetize.plan.change_cancelled";
  /** A tier rule suggests another plan for a customer. */
  public static final String TIER_SUGGESTED = "dev.monetize.tier.suggested";

  /** Validates and copies. */
  public LifecycleEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(time, "time");
    data = Map.copyOf(data);
  }
}
