package dev.monetize.billing.internal;

import dev.monetize.TimeSource;
import dev.monetize.billing.BillingHistory;
import dev.monetize.billing.Invoicing;
import dev.monetize.billing.PlanChange;
import dev.monetize.events.LifecycleEvent;
import dev.monetize.events.internal.EventOutbox;
import dev.monetize.keys.internal.CustomerRegistry;
import dev.monetize.plans.Customer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plan changes the operator asks for: now, or at the end of the customer's billing period. A
 * scheduled change is a plan change dated at the period's end in the billing history (shared by
 * every node), so invoices prorate by it like any other; a background sweep (every 10 s, on every
 * node; applying one twice changes nothing) puts the customer on the new plan once it is due.
 * Each change is announced as a lifecycle event.
 *
 * <p>Internal: the management API's {@code PATCH /organizations/{id}} uses it.
 */
public final class PlanScheduler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PlanScheduler.class);
  private static final Instant FAR = Instant.parse("9999-01-01T00:00:00Z");

  private final CustomerRegistry customers;
  private final BillingHistory history;
  private final TimeSource time;
  private final EventOutbox events;
  private Instant swept;
  private final ScheduledExecutorService sweeper;

  /** A scheduler sweeping due changes every 10 s (catching up on the last 40 days at start). */
  public PlanScheduler(CustomerRegistry customers, BillingHistory history, TimeSource time, EventOutbox events) {
    this.customers = customers;
    this.history = history;
    this.time = time;
    this.events = events;
    this.swept = time.now().minus(Duration.ofDays(40));
    this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "monetize-plans");
      t.setDaemon(true);
      return t;
    });
    sweeper.scheduleWithFixedDelay(this::sweepQuietly, 10, 10, TimeUnit.SECONDS);
  }

  /** Puts {@code customer} on {@code plan} now (a scheduled change, if any, is cancelled); the customer as saved. */
  public synchronized Customer changeNow(Customer customer, String plan) {
    Instant now = time.now();
    history.cancelPlanChanges(customer.id(), now);
    Customer changed = new Customer(customer.id(), plan, customer.billingAnchor(), customer.name());
    if (!plan.equals(customer.plan())) {
      customers.save(changed); // recorded in the history: invoices prorate from now
      publish(LifecycleEvent.PLAN_CHANGED, customer, plan, now);
    }
    return changed;
  }

  /** Schedules {@code plan} for the end of {@code customer}'s current billing period, replacing any scheduled change. */
  public synchronized PlanChange schedule(Customer customer, String plan) {
    Instant now = time.now();
    history.cancelPlanChanges(customer.id(), now);
    PlanChange change = new PlanChange(customer.id(), plan, Invoicing.periodEnd(customer.billingAnchor(), now));
    history.recordPlanChange(change);
    publish(LifecycleEvent.PLAN_CHANGE_SCHEDULED, customer, plan, change.since());
    return change;
  }

  /** The change scheduled for {@code customerId}, if any. */
  public Optional<PlanChange> scheduled(String customerId) {
    Instant now = time.now();
    List<PlanChange> changes = history.planChanges(customerId, now, FAR);
    return changes.stream().filter(c -> c.since().isAfter(now)).reduce((a, b) -> b);
  }

  /** Cancels {@code customer}'s scheduled change; whether there was one. */
  public synchronized boolean cancel(Customer customer) {
    Optional<PlanChange> was = scheduled(customer.id());
    if (was.isEmpty() || history.cancelPlanChanges(customer.id(), time.now()) == 0) {
      return false;
    }
    publish(LifecycleEvent.PLAN_CHANGE_CANCELLED, customer, was.get().plan(), was.get().since());
    return true;
  }

  /** Puts every customer whose scheduled change has come due on its new plan. */
  public synchronized void sweep() {
    Instant now = time.now();
    java.util.Set<String> touched = new java.util.LinkedHashSet<>();
    for (PlanChange due : history.changesDue(swept, now)) {
      touched.add(due.customerId());
    }
    for (String id : touched) {
      // the plan in force now is the latest change at or before now: applying it again changes nothing
      Optional<PlanChange> inForce = history.planChanges(id, now, now).stream().findFirst();
      Optional<Customer> c = customers.find(id);
      if (inForce.isPresent() && c.isPresent() && !c.get().plan().equals(inForce.get().plan())) {
        PlanChange due = inForce.get();
        customers.applyRecorded(new Customer(c.get().id(), due.plan(), c.get().billingAnchor(), c.get().name()), due);
        publish(LifecycleEvent.PLAN_CHANGED, c.get(), due.plan(), due.since());
      }
    }
    swept = now;
  }

  private void sweepQuietly() {
    try {
      sweep();
    } catch (RuntimeException e) {
      LOG.warn("applying scheduled plan changes: {}", e.toString());
    }
  }

  private void publish(String type, Customer customer, String plan, Instant at) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("customer_id", customer.id());
    data.put("from_plan", customer.plan());
    data.put("to_plan", plan);
    data.put("effective_at", at.toString());
    String id = UUID.nameUUIDFromBytes((type + "|" + customer.id() + "|" + plan + "|" + at)
        .getBytes(StandardCharsets.UTF_8)).toString();
    events.publish(new LifecycleEvent(id, type, customer.id(), time.now(), data));
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
  }
}
