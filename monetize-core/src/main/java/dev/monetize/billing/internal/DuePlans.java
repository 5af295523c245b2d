package dev.monetize.billing.internal;

import dev.monetize.TimeSource;
import dev.monetize.billing.PlanChange;
import dev.monetize.plans.Customer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The plan changes that come due before the scheduler's next sweep can apply them, so that admission
 * puts a customer on its new plan at the very instant the billing history (and so the invoice) does,
 * not up to a sweep later: a call in between was charged to the wallet and limited under the old plan
 * while the invoice billed it under the new one (twice, or not at all). The scheduler fills it from
 * the shared history at every sweep, looking ahead, and as it schedules, and forgets each change once
 * the stored customer holds it; admission reads it with one lookup in a map that is empty nearly always.
 */
public final class DuePlans {
  /** Per customer, its expected changes by time (one or two: the one due, the next one scheduled). */
  private final ConcurrentHashMap<String, List<PlanChange>> soon = new ConcurrentHashMap<>();
  /** The expected changes whose instant usage has passed ({@link #passed}); guarded by itself, with every change of {@link #soon}. */
  private final java.util.Set<PlanChange> passed = new java.util.HashSet<>();
  /** The earliest instant (epoch nanos) of an expected change not passed yet; {@code Long.MAX_VALUE} when none. */
  private volatile long next = Long.MAX_VALUE;
  /** Told of each passed change no longer expected but not applied either (cancelled or replaced elsewhere). */
  private volatile java.util.function.Consumer<PlanChange> withdrawn = c -> { };

  /**
   * Tells {@code listener} of each change usage was cut at ({@link #passed}) that stops being expected
   * without being applied to the stored customer: cancelled or replaced, here or on another node.
   */
  public void onWithdrawn(java.util.function.Consumer<PlanChange> listener) {
    this.withdrawn = java.util.Objects.requireNonNull(listener, "listener");
  }

  /**
   * {@code customer} as admission sees it at {@code epochNanos}: on the plan of the latest change due
   * by then and not yet applied to the stored customer; else as it is (the same object).
   */
  public Customer inForce(Customer customer, long epochNanos) {
    if (soon.isEmpty()) {
      return customer;
    }
    String plan = planAt(customer.id(), customer.plan(), epochNanos);
    return plan.equals(customer.plan()) ? customer
        : new Customer(customer.id(), plan, customer.billingAnchor(), customer.name());
  }

  /**
   * The plan of {@code customerId}, stored on {@code stored}, as admission sees it at {@code epochNanos}:
   * the plan of the latest change due by then and not yet applied to the stored customer, else {@code stored}.
   */
  public String planAt(String customerId, String stored, long epochNanos) {
    List<PlanChange> changes = soon.get(customerId);
    if (changes == null) {
      return stored;
    }
    PlanChange latest = null;
    for (PlanChange c : changes) { // ordered by time
      if (epochNanos >= TimeSource.epochNanos(c.since())) {
        latest = c;
      }
    }
    return latest == null ? stored : latest.plan();
  }

  /** Expects {@code change} beside the customer's others (an equal one is kept once). */
  void expect(PlanChange change) {
    synchronized (passed) {
      soon.compute(change.customerId(), (id, list) -> {
        List<PlanChange> out = list == null ? new ArrayList<>() : new ArrayList<>(list);
        out.remove(change); // an equal one again comes last: of changes at one instant, the last recorded holds
        out.add(change);
        out.sort(Comparator.comparing(PlanChange::since)); // stable: same-instant changes keep their order
        return List.copyOf(out);
      });
      if (!passed.contains(change)) {
        next = Math.min(next, TimeSource.epochNanos(change.since()));
      }
    }
  }

  /** Expects each of {@code changes}, in the history's order, beside what is expected already. */
  void expectAll(List<PlanChange> changes) {
    synchronized (passed) {
      changes.forEach(this::expect);
    }
  }

  /** Forgets what was expected for {@code customerId} after {@code now} (a scheduled change cancelled or replaced). */
  void forgetAfter(String customerId, Instant now) {
    synchronized (passed) {
      List<PlanChange> before = soon.getOrDefault(customerId, List.of());
      List<PlanChange> kept = before.stream().filter(c -> !c.since().isAfter(now)).toList();
      keep(customerId, before, kept, true);
    }
  }

  /** Forgets everything expected for {@code customerId} (its plan was changed now, cancelling the rest). */
  void forget(String customerId) {
    synchronized (passed) {
      keep(customerId, soon.getOrDefault(customerId, List.of()), List.of(), true);
    }
  }

  /**
   * After a sweep that applied every change due by now: what is expected becomes {@code upcoming}, the
   * shared history's changes before the next sweep, and nothing else (a change another node cancelled or
   * replaced is forgotten here too).
   */
  void replaceWith(List<PlanChange> upcoming) {
    synchronized (passed) {
      java.util.Map<String, List<PlanChange>> byCustomer = new java.util.HashMap<>();
      for (PlanChange c : upcoming) {
        byCustomer.computeIfAbsent(c.customerId(), k -> new ArrayList<>()).add(c);
      }
      for (String id : List.copyOf(soon.keySet())) {
        if (!byCustomer.containsKey(id)) {
          keep(id, soon.getOrDefault(id, List.of()), List.of(), true);
        }
      }
      byCustomer.forEach((id, list) -> {
        list.sort(Comparator.comparing(PlanChange::since));
        keep(id, soon.getOrDefault(id, List.of()), List.copyOf(list), true);
      });
      findNext();
    }
  }

  /**
   * Forgets each of {@code changes}, and any earlier change of its customer, once the stored customer
   * holds it (a later change stays): until then admission keeps following it, even while a sweep fails
   * to apply it. One call for them all (a month's first sweep applies thousands).
   */
  public void applied(java.util.Collection<PlanChange> changes) {
    synchronized (passed) {
      for (PlanChange change : changes) {
        List<PlanChange> before = soon.getOrDefault(change.customerId(), List.of());
        keep(change.customerId(), before, before.stream().filter(c -> c.since().isAfter(change.since())).toList(),
            false);
      }
    }
  }

  /**
   * {@code customerId}'s expected changes become {@code kept} (of {@code before}): a passed change
   * dropped is forgotten, and told to {@link #onWithdrawn} when {@code withdrawing} (not applied).
   * {@link #nextNanos} stays as it was, at most the next one: a call reaching it finds nothing due and
   * moves it on ({@link #passed}), so dropping changes costs no scan of the others. Holding {@code passed}.
   */
  private void keep(String customerId, List<PlanChange> before, List<PlanChange> kept, boolean withdrawing) {
    if (kept.isEmpty()) {
      soon.remove(customerId);
    } else {
      soon.put(customerId, kept);
    }
    for (PlanChange c : before) {
      if (!kept.contains(c) && passed.remove(c) && withdrawing) {
        withdrawn.accept(c);
      }
    }
  }

  /**
   * The earliest instant (epoch nanos) of an expected change that usage has not passed yet, or
   * {@code Long.MAX_VALUE}: a call completing at or after it cuts usage there first ({@link #due}).
   * One volatile read.
   */
  public long nextNanos() {
    return next;
  }

  /** The expected changes due by {@code epochNanos} that usage has not passed yet, by time. */
  public List<PlanChange> due(long epochNanos) {
    synchronized (passed) {
      List<PlanChange> out = new ArrayList<>();
      soon.values().forEach(list -> list.stream().filter(c -> TimeSource.epochNanos(c.since()) <= epochNanos && !passed.contains(c))
          .forEach(out::add));
      out.sort(Comparator.comparing(PlanChange::since));
      return out;
    }
  }

  /**
   * Passes the expected changes due by {@code epochNanos} not passed before: hands them to {@code cut},
   * instant by instant (oldest first, the changes of one instant together), then {@link #nextNanos}
   * moves past them. Holds this object's lock throughout, so no change is withdrawn or applied while
   * it is cut; {@code cut} must not call back into it.
   */
  public void pass(long epochNanos, java.util.function.Consumer<List<PlanChange>> cut) {
    synchronized (passed) {
      if (epochNanos < next) {
        return; // passed by another call meanwhile
      }
      List<PlanChange> due = due(epochNanos);
      try {
        for (int i = 0; i < due.size(); ) {
          int j = i;
          while (j < due.size() && due.get(j).since().equals(due.get(i).since())) {
            j++;
          }
          cut.accept(due.subList(i, j));
          i = j;
        }
      } finally {
        passed.addAll(due); // even when a cut failed: it is not tried on every call (the sweep's change cuts again)
        findNext();
      }
    }
  }

  /** Sets {@link #next} to the earliest expected change not passed. Holding {@code passed}. */
  private void findNext() {
    long earliest = Long.MAX_VALUE;
    for (List<PlanChange> list : soon.values()) {
      for (PlanChange c : list) {
        if (!passed.contains(c)) {
          earliest = Math.min(earliest, TimeSource.epochNanos(c.since()));
        }
      }
    }
    next = earliest;
  }
}
