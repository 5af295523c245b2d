package dev.monetize.billing.internal;

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

  /**
   * {@code customer} as admission sees it at {@code epochNanos}: on the plan of the latest change due
   * by then and not yet applied to the stored customer; else as it is (the same object).
   */
  public Customer inForce(Customer customer, long epochNanos) {
    if (soon.isEmpty()) {
      return customer;
    }
    List<PlanChange> changes = soon.get(customer.id());
    if (changes == null) {
      return customer;
    }
    PlanChange latest = null;
    for (PlanChange c : changes) { // ordered by time
      if (epochNanos >= nanos(c.since())) {
        latest = c;
      }
    }
    if (latest == null || latest.plan().equals(customer.plan())) {
      return customer;
    }
    return new Customer(customer.id(), latest.plan(), customer.billingAnchor(), customer.name());
  }

  /** Expects {@code change} beside the customer's others (an equal one is kept once). */
  void expect(PlanChange change) {
    soon.compute(change.customerId(), (id, list) -> {
      List<PlanChange> out = list == null ? new ArrayList<>() : new ArrayList<>(list);
      if (!out.contains(change)) {
        out.add(change);
        out.sort(Comparator.comparing(PlanChange::since));
      }
      return List.copyOf(out);
    });
  }

  /** Forgets what was expected for {@code customerId} after {@code now} (a scheduled change cancelled or replaced). */
  void forgetAfter(String customerId, Instant now) {
    soon.computeIfPresent(customerId, (id, list) -> {
      List<PlanChange> kept = list.stream().filter(c -> !c.since().isAfter(now)).toList();
      return kept.isEmpty() ? null : kept;
    });
  }

  /** Forgets everything expected for {@code customerId} (its plan was changed now, cancelling the rest). */
  void forget(String customerId) {
    soon.remove(customerId);
  }

  /**
   * After a sweep that applied every change due by now: what is expected becomes {@code upcoming}, the
   * shared history's changes before the next sweep, and nothing else (a change another node cancelled or
   * replaced is forgotten here too).
   */
  void replaceWith(List<PlanChange> upcoming) {
    java.util.Map<String, List<PlanChange>> next = new java.util.HashMap<>();
    for (PlanChange c : upcoming) {
      next.computeIfAbsent(c.customerId(), k -> new ArrayList<>()).add(c);
    }
    soon.keySet().retainAll(next.keySet());
    next.forEach((id, list) -> {
      list.sort(Comparator.comparing(PlanChange::since));
      soon.put(id, List.copyOf(list));
    });
  }

  /**
   * Forgets {@code change}, and any earlier one, once the stored customer holds it (a later change
   * stays): until then admission keeps following it, even while a sweep fails to apply it.
   */
  void applied(PlanChange change) {
    soon.computeIfPresent(change.customerId(), (id, list) -> {
      List<PlanChange> kept = list.stream().filter(c -> c.since().isAfter(change.since())).toList();
      return kept.isEmpty() ? null : kept;
    });
  }

  private static long nanos(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
  }
}
