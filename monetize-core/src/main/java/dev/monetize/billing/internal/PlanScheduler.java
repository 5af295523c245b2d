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
  private final dev.monetize.plans.Catalog catalog;
  private final java.util.function.Supplier<dev.monetize.metering.UsageTotals> usage;
  /** What admission reads: changes due before the next sweep applies them. */
  private final DuePlans duePlans;
  /**
   * How many customers a sweep reads again and applies while no plan change of this process is half
   * saved: the saves made meanwhile wait for one batch (two history and store reads per customer).
   */
  public static final int EXCLUSIVE_BATCH = 200;
  /** How far past a sweep it looks for changes coming due: past the next sweep, whatever its delay. */
  private static final Duration LOOK_AHEAD = Duration.ofSeconds(60);
  /** The current suggestion per customer (the rule that made it, the plan, why). */
  private final java.util.concurrent.ConcurrentHashMap<String, Suggestion> suggestions =
      new java.util.concurrent.ConcurrentHashMap<>();
  private Instant evaluated = Instant.EPOCH;

  /**
   * A plan a tier rule suggests for a customer.
   *
   * @param plan the suggested plan
   * @param rule the rule that suggests it
   * @param reason what the customer's usage did
   * @param at when it was suggested
   */
  public record Suggestion(String plan, String rule, String reason, Instant at) {}
  private Instant swept;
  private final ScheduledExecutorService sweeper;

  /**
   * A scheduler sweeping due changes every 10 s (catching up on the last 40 days at start), and
   * evaluating the catalog's tier rules on {@code usage} once an hour.
   */
  public PlanScheduler(CustomerRegistry customers, BillingHistory history, TimeSource time, EventOutbox events,
      dev.monetize.plans.Catalog catalog, java.util.function.Supplier<dev.monetize.metering.UsageTotals> usage,
      DuePlans duePlans) {
    this.duePlans = duePlans;
    this.catalog = catalog;
    this.usage = usage;
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
    // the first sweep before the engine serves: a change other nodes scheduled for the next seconds is
    // followed from its instant by a node that has just started too (a restarted node charged the old plan
    // until its first sweep, 10 s after its start). On the sweeper's thread, awaited for at most 5 s: a
    // history that is slow to answer delays the start that long, not for good
    java.util.concurrent.Future<?> first = sweeper.submit(() -> {
      try {
        sweep();
      } catch (RuntimeException | LinkageError e) {
        LOG.warn("applying scheduled plan changes at start: {}; the next sweep is in 10 s", e.toString());
      }
    });
    try {
      first.get(START_SWEEP_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      LOG.warn("applying scheduled plan changes at start takes more than {} s (the billing history is slow to "
          + "answer): the engine starts meanwhile, on the plans stored", START_SWEEP_WAIT_SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      LOG.warn("applying scheduled plan changes at start: {}", e.getCause().toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sweeper.scheduleWithFixedDelay(this::sweepQuietly, 10, 10, TimeUnit.SECONDS);
  }

  /**
   * How long after the operator's "now" a change takes effect when other nodes share the billing
   * history: past their next sweep (every 10 s), so that each node's admission and meter follow it at
   * the same instant, as they follow a change scheduled for the period's end. Applied at once on the
   * node that took it, the others would go on charging (and metering) the old plan until their sweep
   * while the invoice bills the new one from the instant recorded: prepaid calls paid twice or not at all.
   */
  public static final Duration ON_EVERY_NODE = Duration.ofSeconds(30);

  /**
   * Puts {@code customer} on {@code plan} now (a scheduled change, if any, is cancelled); the customer as saved.
   * With a billing history other nodes share, "now" is {@link #ON_EVERY_NODE} from now: the change is
   * scheduled for then and the customer returned as it stays until then.
   */
  public synchronized Customer changeNow(Customer customer, String plan) {
    Instant now = time.now();
    Optional<String> mixed = currencyConflict(customer, plan);
    if (mixed.isPresent()) {
      throw new IllegalArgumentException(mixed.get());
    }
    if (history.shared()) {
      suggestions.remove(customer.id());
      Instant firm = firm(now); // a change coming due before it stays: other nodes may follow it already
      String then = history.planChanges(customer.id(), firm, firm).stream().findFirst().map(PlanChange::plan)
          .orElse(customer.plan());
      if (plan.equals(then)) { // on it then already: only the changes scheduled after go
        if (history.cancelPlanChanges(customer.id(), firm) > 0) {
          duePlans.forgetAfter(customer.id(), firm);
        }
        return customer;
      }
      scheduleAt(customer, plan, firm, firm);
      return customer;
    }
    suggestions.remove(customer.id());
    history.cancelPlanChanges(customer.id(), now);
    // the plan in force: a scheduled change may have come due and not be applied yet
    String inForce = duePlans.inForce(customer, TimeSource.epochNanos(now)).plan();
    duePlans.forgetAfter(customer.id(), now); // cancelled above; one that came due is the plan this change leaves
    Customer changed = new Customer(customer.id(), plan, customer.billingAnchor(), customer.name());
    if (!plan.equals(customer.plan())) {
      customers.save(changed); // recorded in the history: invoices prorate from now
      publish(LifecycleEvent.PLAN_CHANGED, customer, plan, now);
    } else if (!plan.equals(inForce)) { // back from a change that came due and was not applied yet
      PlanChange back = new PlanChange(customer.id(), plan, now);
      history.recordPlanChange(back); // the history must say so: the sweep would apply the due one
      customers.applyRecorded(List.of(new CustomerRegistry.Applied(changed, back)));
      publish(LifecycleEvent.PLAN_CHANGED, customer, plan, now);
    }
    duePlans.forget(customer.id()); // saved: the change that came due is behind it (kept should the save fail)
    return changed;
  }

  /**
   * The instant up to which changes are firm at {@code now}: with a history other nodes share,
   * {@link #ON_EVERY_NODE} on, since a change coming due before then may be followed on another node
   * already (its sweep learns of a cancellation up to 10 seconds later), rounded up to a whole second
   * so that the changes made together (a tier rule moving many customers) share an instant, where
   * every node cuts its usage once; else now.
   */
  private Instant firm(Instant now) {
    if (!history.shared()) {
      return now;
    }
    Instant firm = now.plus(ON_EVERY_NODE);
    return firm.getNano() == 0 ? firm : firm.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).plusSeconds(1);
  }

  /** Schedules {@code plan} for the end of {@code customer}'s current billing period, replacing any scheduled change. */
  public synchronized PlanChange schedule(Customer customer, String plan) {
    Instant now = time.now();
    Instant firm = firm(now);
    Instant end = Invoicing.periodEnd(customer.billingAnchor(), now);
    // a change coming due within ON_EVERY_NODE on a shared history (a "now" one) stays: this one comes after
    // it, at its instant when the period ends first (recorded later, it holds there)
    Instant at = firm.isAfter(now) ? history.planChanges(customer.id(), now, firm.plusNanos(1)).stream()
        .map(PlanChange::since).filter(t -> t.isAfter(end)).reduce((a, b) -> b).orElse(end) : end;
    return scheduleAt(customer, plan, at, firm);
  }

  /** Schedules {@code plan} for {@code at}, replacing any change scheduled after {@code keep}. */
  private PlanChange scheduleAt(Customer customer, String plan, Instant at, Instant keep) {
    history.cancelPlanChanges(customer.id(), keep);
    PlanChange change = new PlanChange(customer.id(), plan, at);
    duePlans.forgetAfter(customer.id(), keep); // the change it replaces, if one was expected (a due one stays)
    history.recordPlanChange(change);
    duePlans.expect(change);
    publish(LifecycleEvent.PLAN_CHANGE_SCHEDULED, customer, plan, change.since());
    return change;
  }

  /**
   * {@code customer} on the plan in force now: the plan of a change that came due and that the sweep
   * has not stored yet (its first seconds), as admission and usage already see it.
   */
  public Customer inForce(Customer customer) {
    return duePlans.inForce(customer, time.epochNanos());
  }

  /** The change scheduled for {@code customerId}, if any. */
  public Optional<PlanChange> scheduled(String customerId) {
    Instant now = time.now();
    List<PlanChange> changes = history.planChanges(customerId, now, FAR);
    return changes.stream().filter(c -> c.since().isAfter(now)).reduce((a, b) -> b);
  }

  /** Changes the operator cancelled, which tier rules then only suggest (until the period after the one cancelled). */
  private final com.github.benmanes.caffeine.cache.Cache<String, Boolean> vetoed =
      com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(100_000)
          .expireAfterWrite(Duration.ofDays(62)).executor(Runnable::run).build();

  /**
   * Whether {@code customerId}'s scheduled change is under way: on a history other nodes share, due
   * within {@link #ON_EVERY_NODE}, when it can no longer be cancelled ({@link #cancel} leaves it).
   */
  public boolean underWay(String customerId) {
    Instant now = time.now();
    return history.shared() && scheduled(customerId).filter(c -> !c.since().isAfter(firm(now))).isPresent();
  }

  /** Cancels {@code customer}'s scheduled change; whether there was one (one {@link #underWay} stays). */
  public synchronized boolean cancel(Customer customer) {
    Optional<PlanChange> was = scheduled(customer.id());
    Instant firm = firm(time.now()); // one instant: a change coming due meanwhile is either cancelled or kept, in both
    if (was.isEmpty() || !was.get().since().isAfter(firm) || history.cancelPlanChanges(customer.id(), firm) == 0) {
      return false;
    }
    duePlans.forgetAfter(customer.id(), firm);
    vetoed.put(customer.id() + "|" + was.get().plan(), Boolean.TRUE);
    publish(LifecycleEvent.PLAN_CHANGE_CANCELLED, customer, was.get().plan(), was.get().since());
    return true;
  }

  /** Puts every customer whose scheduled change has come due on its new plan. */
  public synchronized void sweep() {
    Instant now = time.now();
    java.util.Set<String> touched = new java.util.LinkedHashSet<>();
    changesDue(swept, now).forEach(c -> touched.add(c.customerId()));
    touched.forEach(customers::changedElsewhere); // another process may have applied it: admission reads afresh
    // read first without holding saves back; those to change are read again and applied while no plan
    // change of this process is half saved (stored, not yet in the history)
    java.util.Set<String> differing = new java.util.LinkedHashSet<>();
    applyDue(touched, now, differing);
    List<String> ids = List.copyOf(differing);
    for (int i = 0; i < ids.size(); i += EXCLUSIVE_BATCH) { // saves wait for one batch, not a month's first sweep
      java.util.Set<String> batch = new java.util.LinkedHashSet<>(ids.subList(i, Math.min(ids.size(), i + EXCLUSIVE_BATCH)));
      // the plan in force as the batch is read: a save made since the sweep's start is not undone
      customers.exclusively(() -> applyDue(batch, time.now(), null));
      if (i + EXCLUSIVE_BATCH < ids.size()) { // after the last, the replacement below reads them
        // a month's first sweep may take longer than a "now" change's 30 seconds: what other nodes scheduled
        // meanwhile is followed from its instant, not from the end of this sweep
        duePlans.expectAll(changesDue(now, time.now().plus(LOOK_AHEAD)));
      }
    }
    swept = now;
    // what comes due before the next sweep, for admission to follow at its very instant: the shared
    // history's, every node's, so that a change cancelled or replaced elsewhere is forgotten here too
    duePlans.replaceWith(changesDue(now, time.now().plus(LOOK_AHEAD))); // from this sweep's start: a long one's too
  }

  /**
   * Puts each of {@code touched} whose stored plan is not the history's in force at {@code now} on that
   * one; or, given {@code differing}, only collects those into it.
   */
  private void applyDue(java.util.Set<String> touched, Instant now, java.util.Set<String> differing) {
    List<CustomerRegistry.Applied> changed = new java.util.ArrayList<>();
    List<PlanChange> held = new java.util.ArrayList<>();
    List<String> ids = List.copyOf(touched);
    for (int i = 0; i < ids.size(); i += EXCLUSIVE_BATCH) { // two reads per batch, not two per customer
      List<String> batch = ids.subList(i, Math.min(ids.size(), i + EXCLUSIVE_BATCH));
      // the plan in force now is the latest change at or before now: applying it again changes nothing
      Map<String, PlanChange> inForce = history.plansInForce(batch, now);
      Map<String, Customer> stored = inForce.isEmpty() ? Map.of() : customers.findAll(inForce.keySet());
      for (String id : batch) {
        PlanChange due = inForce.get(id);
        Customer c = stored.get(id);
        if (due != null && c != null) {
          if (!c.plan().equals(due.plan())) {
            changed.add(new CustomerRegistry.Applied(c, due));
          }
          held.add(due);
        }
      }
    }
    if (differing != null && !changed.isEmpty()) {
      changed.forEach(a -> differing.add(a.customer().id()));
      duePlans.applied(held.stream().filter(d -> !differing.contains(d.customerId())).toList());
      return; // the others are applied once read again
    }
    // saved together, and usage settled once for them all (a month's first sweep may move thousands)
    // announced as each is stored: a store failing half-way leaves none stored and unannounced
    Map<PlanChange, Customer> was = new java.util.IdentityHashMap<>();
    changed.forEach(a -> was.put(a.due(), a.customer()));
    customers.applyRecorded(changed.stream().map(a -> new CustomerRegistry.Applied(new Customer(a.customer().id(),
        a.due().plan(), a.customer().billingAnchor(), a.customer().name()), a.due())).toList(),
        a -> publish(LifecycleEvent.PLAN_CHANGED, was.get(a.due()), a.due().plan(), a.due().since()));
    duePlans.applied(held); // the stored customers hold them now: admission need not look them up
  }

  /**
   * The changes due in {@code (from, to]}: a history may return a page at a time, each ending at a
   * whole instant, so the next is read after the last instant seen, until a page is empty or reaches {@code to}.
   */
  private List<PlanChange> changesDue(Instant from, Instant to) {
    List<PlanChange> out = new java.util.ArrayList<>();
    while (true) {
      List<PlanChange> page = history.changesDue(from, to);
      out.addAll(page);
      if (page.isEmpty()) {
        return out;
      }
      Instant last = page.get(page.size() - 1).since();
      if (!last.isAfter(from) || !last.isBefore(to)) { // a history that ignored from, or the last page
        return out;
      }
      from = last;
    }
  }

  private static final long START_SWEEP_WAIT_SECONDS = 5;
  private void sweepQuietly() {
    try {
      sweep();
      if (!catalog.tierRules().isEmpty() && time.now().isAfter(evaluated.plus(Duration.ofHours(1)))) {
        evaluateTierRules();
      }
    } catch (RuntimeException e) {
      LOG.warn("applying scheduled plan changes and tier rules: {}", e.toString());
    }
  }

  /** The plan a tier rule suggests for {@code customerId}, if any. */
  public Optional<Suggestion> suggestion(String customerId) {
    return Optional.ofNullable(suggestions.get(customerId));
  }

  /**
   * Evaluates every tier rule, in order, for the customers with usage in the last 400 days; returns
   * how many customers a rule acted on. A rule never moves a customer onto a plan that needs
   * approval: it suggests it instead.
   */
  public int evaluateTierRules() {
    Instant now = time.now();
    evaluated = now;
    dev.monetize.metering.UsageTotals totals = usage.get();
    java.util.Set<String> acted = new java.util.HashSet<>();
    java.util.Set<String> seen = totals.customers(now.minus(Duration.ofDays(400)), now);
    for (dev.monetize.plans.TierRule rule : catalog.tierRules()) {
      for (String id : seen) {
        if (acted.contains(id)) {
          continue; // one rule per customer per evaluation
        }
        Optional<Customer> c = customers.find(id);
        if (c.isEmpty() || !c.get().plan().equals(rule.from())) {
          continue;
        }
        Optional<String> reason = TierConditions.met(rule, c.get(), catalog, history, totals, now);
        if (reason.isPresent()) {
          act(rule, c.get(), reason.get(), now);
          acted.add(id);
        }
      }
    }
    return acted.size();
  }

  private synchronized void act(dev.monetize.plans.TierRule rule, Customer c, String reason, Instant now) {
    dev.monetize.plans.TierRule.Action action = catalog.requiresApproval(rule.to())
        ? dev.monetize.plans.TierRule.Action.SUGGEST : rule.action();
    if (action != dev.monetize.plans.TierRule.Action.SUGGEST
        && (vetoed.getIfPresent(c.id() + "|" + rule.to()) != null || scheduled(c.id()).isPresent())) {
      // the operator cancelled this change, or scheduled another: a rule never overrides the operator
      action = dev.monetize.plans.TierRule.Action.SUGGEST;
    }
    switch (action) {
      case SUGGEST -> {
        Suggestion before = suggestions.put(c.id(), new Suggestion(rule.to(), rule.name(), reason, now));
        if (before == null || !before.plan().equals(rule.to())) {
          Map<String, Object> data = new LinkedHashMap<>();
          data.put("customer_id", c.id());
          data.put("plan", c.plan());
          data.put("suggested_plan", rule.to());
          data.put("rule", rule.name());
          data.put("reason", reason);
          String id = UUID.nameUUIDFromBytes(("suggest|" + c.id() + "|" + rule.name() + "|" + now.truncatedTo(
              java.time.temporal.ChronoUnit.DAYS)).getBytes(StandardCharsets.UTF_8)).toString();
          events.publish(new LifecycleEvent(id, LifecycleEvent.TIER_SUGGESTED, c.id(), now, data));
        }
      }
      case AT_PERIOD_END -> scheduleOnce(c, rule.to());
      case NOW -> { // another currency than this period's plans: at the period's end (an invoice has one)
        if (currencyConflict(c, rule.to()).isPresent()) {
          scheduleOnce(c, rule.to());
        } else {
          changeNow(c, rule.to());
        }
      }
    }
  }

  /** Schedules {@code plan} for the end of the period unless it is scheduled already. */
  private void scheduleOnce(Customer c, String plan) {
    if (scheduled(c.id()).filter(s -> s.plan().equals(plan)).isEmpty()) {
      schedule(c, plan);
    }
  }

  /** Why putting {@code customer} on {@code plan} now would mix currencies in its current period, if it would. */
  public Optional<String> currencyConflict(Customer customer, String plan) {
    return PeriodCurrency.conflict(catalog, history, customer.id(), customer.billingAnchor(), plan, time.now());
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
    try { // a sweep under way publishes its changes before the outbox closes after this
      sweeper.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
