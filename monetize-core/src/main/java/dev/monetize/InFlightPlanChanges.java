package dev.monetize;

import dev.monetize.billing.PlanChange;
import dev.monetize.billing.internal.DuePlans;
import dev.monetize.limits.CreditEntry;
import dev.monetize.metering.internal.UsagePipeline;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Plan;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles the prepaid price of a call that was in flight while its customer's plan changed. The
 * wallet pays a call when it is admitted, at the price of the plan that admitted it; the invoice
 * bills it in the part of the period its usage is recorded in, under that part's plan. When the two
 * plans price the call differently (prepaid and postpaid, or two prepaid prices), the wallet is moved
 * by the difference once the call is recorded: a call the invoice bills as paid from credits is paid
 * from them, and one it bills on a postpaid plan is given back.
 *
 * <p>Exact under concurrency for a change made on this node ({@code customers().save}): from the
 * change's instant to its cut no usage is delivered (the meter's hold) and the calls recorded
 * meanwhile are billed on the plan it leaves ({@link #leaving}); the cut itself runs while no call is
 * being recorded ({@link #change}), and a call reads which plan bills it and is recorded with no cut
 * between the two ({@link #enter}, {@link #exit}). With no prepaid plan in the catalog there is
 * nothing to settle, and recording a call costs a final field's read here.
 */
final class InFlightPlanChanges implements dev.monetize.keys.internal.CustomerRegistry.Leaving {
  private static final Logger LOG = LoggerFactory.getLogger(InFlightPlanChanges.class);
  /** How long a customer's last change is remembered for the calls admitted before it (longer calls are not settled). */
  static final long REMEMBER_NANOS = java.time.Duration.ofDays(1).toNanos();

  private final Catalog catalog;
  private final LimitStep limits;
  private final LongSupplier epochNanos;
  /** The engine's usage (built after this): its meter is held from a change's instant to its cut. */
  private final java.util.function.Supplier<UsagePipeline> usage;
  /** Whether any plan is prepaid: otherwise no wallet is ever moved and the protocol is skipped. */
  private final boolean prepaid;
  /**
   * Calls that began and ended reading their plan and recording their usage; both only grow, so
   * {@code exited} read before {@code entered} and equal to it means none is inside (a sum of one
   * counter that goes up and down is no snapshot). Atomic cells, so that each read sees each
   * increment made before it (a {@code LongAdder} publishes a new cell with a plain store).
   */
  private final Striped entered = new Striped();
  private final Striped exited = new Striped();
  /** A change is cutting the meter: calls wait to enter. */
  private volatile boolean changing;
  private final Object changeLock = new Object();
  /** Each customer's last plan change on this node: the plan that bills the calls recorded since. */
  private final ConcurrentHashMap<String, Changed> changed = new ConcurrentHashMap<>();
  /** Set once a change was remembered: until then a call looks nothing up. */
  private volatile boolean anyChanged;
  /** Customers whose change is between its instant and its cut: the calls recorded meanwhile bill on {@code from}. */
  private final ConcurrentHashMap<String, Pending> leaving = new ConcurrentHashMap<>();
  /** Changes between their instant and their cut: counted apart, since a map's size is no snapshot either. */
  private final AtomicInteger pending = new AtomicInteger();

  /**
   * A customer's plan from a change on: {@code atNanos}, when this node cut usage there (the calls
   * admitted before it are settled at {@code plan}); {@code sinceNanos}, the change's own instant (a
   * change applied late never replaces one that took effect after it).
   */
  private record Changed(String plan, long atNanos, long sinceNanos) {}

  /** The changes admission follows from their instant on (scheduled ones, and those of other nodes), before any sweep. */
  private final DuePlans duePlans;

  /** A count that only grows, in cells a cache line apart chosen by thread (no line shared by every call). */
  private static final class Striped {
    private static final int STRIPES = 64;
    private static final int PAD = 8; // longs: 64 bytes
    private final AtomicLongArray cells = new AtomicLongArray(STRIPES * PAD);

    void increment() {
      cells.getAndIncrement((int) (Thread.currentThread().getId() & (STRIPES - 1)) * PAD);
    }

    long sum() {
      long sum = 0;
      for (int i = 0; i < STRIPES; i++) {
        sum += cells.get(i * PAD);
      }
      return sum;
    }
  }

  /** A change of a customer from one plan to another, between its instant and its cut. */
  private record Pending(String from, String to) {}

  InFlightPlanChanges(Catalog catalog, LimitStep limits, LongSupplier epochNanos,
      java.util.function.Supplier<UsagePipeline> usage, DuePlans duePlans) {
    this.duePlans = duePlans;
    // a change cut at its instant and then cancelled or replaced (on another node, or here as it came due):
    // the invoice will not bill it, so the calls completing after it are not settled on it
    duePlans.onWithdrawn(c -> changed.computeIfPresent(c.customerId(),
        (id, e) -> e.sinceNanos() == TimeSource.epochNanos(c.since()) && e.plan().equals(c.plan()) ? null : e));
    this.usage = usage;
    this.catalog = catalog;
    this.limits = limits;
    this.epochNanos = epochNanos;
    this.prepaid = catalog.plans().stream().anyMatch(Plan::prepaid);
  }

  /**
   * {@code customerId} is leaving {@code from} for {@code to}: the change takes effect now, no usage is
   * delivered until its cut (which falls at this instant), and its calls recorded until then bill on
   * {@code from}.
   */
  @Override
  public java.time.Instant leaving(String customerId, String from, String to) {
    java.time.Instant since = usage.get().meter().hold();
    if (prepaid) {
      pending.incrementAndGet();
      // the plan in force: a change that came due and is not applied to the stored customer yet, if any
      leaving.put(customerId, new Pending(duePlans.planAt(customerId, from, TimeSource.epochNanos(since)), to));
    }
    return since;
  }

  /**
   * The change of {@link #leaving} was cut, or failed before: forgotten (unless another change of the
   * customer replaced it), and usage delivered again.
   */
  @Override
  public void done(String customerId, String from, String to) {
    try {
      if (prepaid) {
        leaving.computeIfPresent(customerId, (id, p) -> p.to().equals(to) ? null : p); // unless another replaced it
        pending.decrementAndGet();
      }
    } finally {
      usage.get().meter().release();
    }
  }

  /**
   * The plan-change listener: cuts the memory ledger's slices first (nothing after the changes is
   * delivered before them), then the meter's interval while no call is being recorded.
   */
  void planChanged(List<PlanChange> changes) {
    duePlans.applied(changes); // the stored customers hold them: admission no longer follows an earlier due one
    cut(changes);
  }

  /**
   * Usage cut at {@code changes}: the ledger, then the meter while no call is being recorded; the
   * calls recorded after the cut are billed on the changes' plans.
   */
  private void cut(List<PlanChange> changes) {
    UsagePipeline u = usage.get();
    u.meter().hold(); // waits out a delivery taking the journal now, before any completing call waits for the cut
    try {
      u.cutLedger(changes);
      change(changes, () -> u.cutMeter(changes));
    } finally {
      u.meter().release();
    }
  }

  /**
   * The instant (epoch nanos) from which a completing call must first {@link #passDue pass} a change
   * that came due: {@code Long.MAX_VALUE} nearly always, one volatile read.
   */
  long dueNanos() {
    return duePlans.nextNanos();
  }

  /**
   * A call completing at {@code doneNanos}, at or after a change admission follows from its instant
   * (scheduled for the period's end, or "now" on a shared history, which is 30 seconds on): usage is
   * cut at each such instant before the call is recorded, once, as a change made on this node is
   * (the sweep applying it to the stored customer comes up to 10 seconds later). So the calls
   * completing after the instant are billed on the new plan and the wallet follows them, those
   * completing before it on the plan left. Calls completing meanwhile wait for the cut (in memory).
   * A delivery passes the changes due by the instant it takes usage up to the same way
   * ({@link dev.monetize.metering.internal.UsageMeter#beforeTake}), so no delivered interval spans one.
   */
  void passDue(long doneNanos) {
    if (doneNanos < duePlans.nextNanos()) {
      return; // nearly always: nothing came due
    }
    duePlans.pass(doneNanos, changes -> { // under its lock: no change is withdrawn or applied meanwhile
      try {
        cut(changes);
      } catch (RuntimeException e) { // the call is recorded all the same: usage is never dropped for a cut
        LOG.warn("cutting usage at {} plan changes that came due failed: {}", changes.size(), e.toString());
      }
    });
  }

  /**
   * Applies {@code changes}: runs {@code cut} (which ends the meter's interval, in memory) while no
   * call is being recorded, then remembers each customer's new plan for the calls recorded after it
   * (unless a change that took effect later is remembered already).
   */
  void change(List<PlanChange> changes, Runnable cut) {
    if (!prepaid) {
      cut.run();
      return;
    }
    long now;
    synchronized (changeLock) {
      changing = true;
      try {
        for (int spins = 0; inside(); spins++) {
          pause(spins); // a call reading its plan and appending its usage
        }
        cut.run();
      } finally {
        now = epochNanos.getAsLong();
        for (PlanChange c : changes) { // remembered even when the cut failed: the calls after it bill on it
          changed.merge(c.customerId(), new Changed(c.plan(), now, TimeSource.epochNanos(c.since())),
              (was, later) -> was.sinceNanos() > later.sinceNanos() ? was : later);
          leaving.computeIfPresent(c.customerId(), (id, p) -> p.to().equals(c.plan()) ? null : p);
        }
        anyChanged = true;
        changing = false;
      }
      changed.values().removeIf(c -> now - c.atNanos() > REMEMBER_NANOS); // calls flow again meanwhile
      anyChanged = !changed.isEmpty(); // only a change puts an entry, under this lock
    }
  }

  private boolean inside() {
    long out = exited.sum();
    return entered.sum() != out;
  }

  private static void pause(int spins) {
    if (spins < 200) {
      Thread.onSpinWait();
    } else {
      LockSupport.parkNanos(20_000); // on two cores the thread we wait for needs one of them
    }
  }

  /**
   * Before an admitted call's usage is recorded: returns the plan that bills it when that is not the
   * plan that admitted it ({@code ""} otherwise). Pair with {@link #exit()} after recording.
   */
  String enter(Admission a) {
    if (!prepaid) {
      return "";
    }
    while (true) {
      entered.increment();
      if (!changing) {
        break;
      }
      exited.increment();
      for (int spins = 0; changing; spins++) {
        pause(spins); // the cut is in memory: microseconds
      }
    }
    if (!a.charged() || !anyChanged && pending.get() == 0) {
      return "";
    }
    Principal p = a.principal().orElseThrow();
    Pending left = leaving.get(p.customerId());
    if (left != null) { // recorded before the change's cut: billed on the plan it leaves, whichever admitted it
      return left.from().equals(p.plan().name()) ? "" : left.from();
    }
    Changed c = changed.get(p.customerId());
    // a call admitted after the change was admitted on a plan this node read after it (or another node's later one)
    return c == null || c.atNanos() < a.startNanos() || c.plan().equals(p.plan().name()) ? "" : c.plan();
  }

  /** The call's usage is recorded. */
  void exit() {
    if (prepaid) {
      exited.increment();
    }
  }

  /** Moves the wallet by the difference between the prices of the plan that admitted the call and {@code billedOn}. */
  void settle(Admission a, String billedOn) {
    Principal p = a.principal().orElseThrow();
    Optional<Plan> now = catalog.plan(billedOn);
    if (now.isEmpty()) {
      return;
    }
    long charged = LimitStep.creditCost(p.plan(), a.operation());
    long due = LimitStep.creditCost(now.get(), a.operation());
    if (charged == due) {
      return;
    }
    try {
      CreditEntry e = limits.applyCredits(p.customerId(), "plan_" + java.util.UUID.randomUUID(), charged - due);
      if (e.outcome() == CreditEntry.Outcome.INSUFFICIENT) {
        LOG.warn("request {} completed on plan {} of {}, whose wallet holds less than its price of {} micro-units: "
            + "the call is billed as paid from credits but was not", a.request().requestId(), billedOn,
            p.customerId(), due - charged);
      }
    } catch (RuntimeException e) {
      LOG.warn("settling the prepaid price of request {} after a plan change of {} failed: {}", a.request().requestId(),
          p.customerId(), e.toString());
    }
  }
}
