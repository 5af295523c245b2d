/**
 * Lifecycle events the engine announces through the webhook delivery (CloudEvents 1.0): quota
 * thresholds crossed, plan changes. {@link LifecycleEvent} is what a receiver gets.
 */
package dev.monetize.events;
