package dev.monetize;

import dev.monetize.billing.PlanChange;
import dev.monetize.limits.CreditEntry;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Plan;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
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
 * <p>Exact under concurrency: a plan change cuts the meter's interval ({@link #change}) while no
 * call is being recorded, and a call reads which plan bills it and is recorded with no change between
 * the two ({@link #enter}, {@link #exit}); so the plan a call is settled at is the plan of the part
 * its usage lands in. With no prepaid plan in the catalog there is nothing to settle, and recording
 * a call costs nothing here.
 */
final class InFlightPlanChanges implements dev.monetize.keys.internal.CustomerRegistry.Leaving {
  private static final Logger LOG = LoggerFactory.getLogger(InFlightPlanChanges.class);
  /** How long a customer's last change is remembered for the calls admitted before it (longer calls are not settled). */
  static final long REMEMBER_NANOS = java.time.Duration.ofDays(1).toNanos();

  private final Catalog catalog;
  private final LimitStep limits;
  private final LongSupplier epochNanos;
  /** Whether any plan is prepaid: otherwise no wallet is ever moved and the protocol is skipped. */
  private final boolean prepaid;
  /** Calls between {@link #enter} and {@link #exit}: reading their plan and recording their usage. */
  private final LongAdder recording = new LongAdder();
  /** A change is cutting the meter: calls wait to enter. */
  private volatile boolean changing;
  private final Object changeLock = new Object();
  /**
   * Each customer's last plan change on this node, and when: the plan that bills the calls recorded
   * since, which were admitted before it.
   */
  private final ConcurrentHashMap<String, Changed> changed = new ConcurrentHashMap<>();

  /** Customers whose plan change is being stored and not cut yet: the plan their calls recorded meanwhile bill on. */
  private final ConcurrentHashMap<String, String> leaving = new ConcurrentHashMap<>();

  private record Changed(String plan, long atNanos) {}

  InFlightPlanChanges(Catalog catalog, LimitStep limits, LongSupplier epochNanos) {
    this.catalog = catalog;
    this.limits = limits;
    this.epochNanos = epochNanos;
    this.prepaid = catalog.plans().stream().anyMatch(Plan::prepaid);
  }

  /**
   * Applies {@code changes}: runs {@code cut} (which ends the meter's interval, no I/O) while no call
   * is being recorded, then remembers each customer's new plan for the calls recorded after it.
   */
  void change(List<PlanChange> changes, Runnable cut) {
    if (!prepaid) {
      cut.run();
      return;
    }
    synchronized (changeLock) {
      changing = true;
      try {
        for (int spins = 0; recording.sum() != 0; spins++) {
          if (spins < 1_000) {
            Thread.onSpinWait(); // a call reading its plan and appending its usage: microseconds
          } else {
            Thread.yield();
          }
        }
        cut.run();
        long now = epochNanos.getAsLong();
        for (PlanChange c : changes) {
          changed.put(c.customerId(), new Changed(c.plan(), now));
          leaving.remove(c.customerId());
        }
        changed.values().removeIf(c -> now - c.atNanos() > REMEMBER_NANOS);
      } finally {
        changing = false;
      }
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
      recording.increment();
      if (!changing) {
        break;
      }
      recording.decrement();
      while (changing) {
        Thread.onSpinWait(); // the cut is in memory: a few microseconds
      }
    }
    if (!a.charged() || changed.isEmpty() && leaving.isEmpty()) {
      return "";
    }
    Principal p = a.principal().orElseThrow();
    String left = leaving.get(p.customerId());
    if (left != null) { // recorded before the change's cut: billed on the plan it leaves, whichever admitted it
      return left.equals(p.plan().name()) ? "" : left;
    }
    Changed c = changed.get(p.customerId());
    // a call admitted after the change was admitted on a plan this node read after it (or another node's later one)
    return c == null || c.atNanos() < a.startNanos() || c.plan().equals(p.plan().name()) ? "" : c.plan();
  }

  @Override
  public void leaving(String customerId, String plan) {
    if (prepaid) {
      leaving.put(customerId, plan);
    }
  }

  @Override
  public void done(String customerId) {
    if (prepaid) {
      leaving.remove(customerId); // cut already, or failed before
    }
  }

  /** The call's usage is recorded. */
  void exit() {
    if (prepaid) {
      recording.decrement();
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
