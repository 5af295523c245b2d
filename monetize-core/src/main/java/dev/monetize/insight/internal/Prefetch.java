package dev.monetize.insight.internal;

import dev.monetize.billing.BillingHistory;
import dev.monetize.billing.Invoicing;
import dev.monetize.billing.PlanChange;
import dev.monetize.keys.CustomerStore;
import dev.monetize.metering.UsageTotals;
import dev.monetize.plans.Customer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What one report reads about many customers, fetched a batch at a time before it is computed:
 * their records, their plan changes and the usage totals their revenue is rated from. On a store
 * across the network that is a few queries per thousand customers instead of several per
 * customer. Asked for anything it was not given, it reads the store as the report would have, so
 * a report is the same with it or without it.
 *
 * <p>Which totals a customer's revenue reads depends on its plan changes and, for a range that
 * cuts a period, on the totals themselves; {@link #warm} finds them by running the report's reads
 * while it records what they ask for, then fetches that in one batch, twice.
 *
 * <p>One report's, on one thread: not thread-safe.
 */
final class Prefetch {
  private static final int BATCH = 1_000;
  private static final UsageTotals.Totals NONE = new UsageTotals.Totals(0, 0, 0, 0, 0, Map.of());

  private final CustomerStore store;
  private final BillingHistory history;
  private final UsageTotals usage;
  /** The customers read in a batch: their records, or absent when there is none. */
  private final Map<String, Optional<Customer>> records = new HashMap<>();
  /** The customers whose records could not be read, with what reading them threw (thrown again when asked for). */
  private final Map<String, RuntimeException> unreadable = new HashMap<>();
  /** The customers whose plan changes of {@code [changesFrom, changesTo)} were read; those without any have none. */
  private final Set<String> changed = new HashSet<>();
  private final Map<String, List<PlanChange>> changes = new HashMap<>();
  private Instant changesFrom = Instant.MAX;
  private Instant changesTo = Instant.MIN;
  private final Map<UsageTotals.Range, UsageTotals.Totals> totals = new HashMap<>();
  private final Set<UsageTotals.Range> missing = new LinkedHashSet<>();
  private boolean recording;
  private int storeReads;

  Prefetch(CustomerStore store, BillingHistory history, UsageTotals usage) {
    this.store = store;
    this.history = history;
    this.usage = usage;
  }

  /**
   * Reads the records of {@code ids} and the plan changes of those with one, over every billing
   * period that touches {@code [from, to]}, a batch at a time; returns the customers with a record.
   */
  List<Customer> load(Collection<String> ids, Instant from, Instant to) {
    List<String> all = List.copyOf(ids);
    List<Customer> found = new ArrayList<>();
    for (int i = 0; i < all.size(); i += BATCH) {
      List<String> batch = all.subList(i, Math.min(all.size(), i + BATCH));
      Map<String, Customer> read;
      try {
        read = store.findAll(batch);
      } catch (RuntimeException e) { // a record that cannot be read: the others still count, read alone
        read = new HashMap<>();
        for (String id : batch) {
          try {
            storeReads++;
            store.find(id).ifPresent(c -> records.put(id, Optional.of(c)));
            records.putIfAbsent(id, Optional.empty());
          } catch (RuntimeException unread) {
            unreadable.put(id, unread);
          }
        }
        batch.stream().map(records::get).filter(c -> c != null && c.isPresent()).forEach(c -> found.add(c.get()));
        continue;
      }
      for (String id : batch) {
        Customer c = read.get(id);
        records.put(id, Optional.ofNullable(c));
        if (c != null) {
          found.add(c);
        }
      }
    }
    Instant first = Instant.MAX;
    Instant last = Instant.MIN;
    for (Customer c : found) {
      Instant start = Invoicing.periodStart(c.billingAnchor(), from);
      Instant end = Invoicing.periodEnd(c.billingAnchor(), to);
      first = start.isBefore(first) ? start : first;
      last = end.isAfter(last) ? end : last;
    }
    if (!found.isEmpty()) {
      List<String> withRecord = found.stream().map(Customer::id).toList();
      for (int i = 0; i < withRecord.size(); i += BATCH) {
        List<String> batch = withRecord.subList(i, Math.min(withRecord.size(), i + BATCH));
        try {
          changes.putAll(history.planChanges(batch, first, last));
          changed.addAll(batch);
        } catch (RuntimeException e) { // read alone as the report reads them: one customer's failure is its own
          batch.forEach(changes::remove);
        }
      }
      changesFrom = first;
      changesTo = last;
    }
    return found;
  }

  /**
   * The record of customer {@code id}, as {@link CustomerStore#find} gives it.
   *
   * @throws RuntimeException what {@link CustomerStore#find} throws for a record it cannot read
   */
  Optional<Customer> customer(String id) {
    Optional<Customer> c = records.get(id);
    if (c != null) {
      return c;
    }
    RuntimeException unread = unreadable.get(id);
    if (unread != null) {
      throw unread;
    }
    storeReads++;
    return store.find(id);
  }

  /** {@link BillingHistory#planChanges(String, Instant, Instant)}, from what {@link #load} read when it covers the range. */
  List<PlanChange> planChanges(String id, Instant from, Instant to) {
    if (!changed.contains(id) || from.isBefore(changesFrom) || to.isAfter(changesTo)) {
      storeReads++;
      return history.planChanges(id, from, to);
    }
    List<PlanChange> all = changes.getOrDefault(id, List.of());
    int inForce = -1; // the last change at or before from: the list is in (since, order of recording)
    for (int i = 0; i < all.size() && !all.get(i).since().isAfter(from); i++) {
      inForce = i;
    }
    List<PlanChange> out = new ArrayList<>();
    if (inForce >= 0) {
      out.add(all.get(inForce));
    }
    for (int i = inForce + 1; i < all.size(); i++) {
      PlanChange c = all.get(i);
      if (c.since().isAfter(from) && c.since().isBefore(to)) {
        out.add(c);
      }
    }
    return out;
  }

  /** The usage totals, from what {@link #warm} fetched when it holds the range. */
  UsageTotals totals() {
    return (customerId, from, to) -> {
      UsageTotals.Range r = new UsageTotals.Range(customerId, from, to);
      UsageTotals.Totals t = totals.get(r);
      if (t != null) {
        return t;
      }
      if (recording) { // found out: fetched with the others, before the report reads it for real
        missing.add(r);
        return NONE;
      }
      storeReads++;
      t = usage.totals(customerId, from, to);
      totals.put(r, t);
      return t;
    };
  }

  /**
   * Runs {@code reads} on each customer while recording the totals it asks for, and fetches them
   * in batches; again with those known (a range that cuts a period reads more once its totals are
   * known). What is read during the runs is thrown away, and so is any failure: the report meets
   * it again when it runs for real.
   */
  void warm(Collection<Customer> customers, Consumer<Customer> reads) {
    for (int round = 0; round < 2; round++) {
      recording = true;
      try {
        for (Customer c : customers) {
          try {
            reads.accept(c);
          } catch (RuntimeException e) {
            // the report names this customer when it runs for real
          }
        }
      } finally {
        recording = false;
      }
      if (missing.isEmpty()) {
        return;
      }
      List<UsageTotals.Range> asked = new ArrayList<>(missing);
      missing.clear();
      fetch(asked);
    }
  }

  /** The customers of {@code ids} read in a batch and found to have no record (nothing is read for them). */
  List<String> withoutRecord(Collection<String> ids) {
    return ids.stream().filter(id -> records.containsKey(id) && records.get(id).isEmpty()).toList();
  }

  /** Fetches the totals of {@code ranges} in batches, before they are asked for. */
  void fetch(List<UsageTotals.Range> ranges) {
    for (int i = 0; i < ranges.size(); i += BATCH) {
      List<UsageTotals.Range> batch = ranges.subList(i, Math.min(ranges.size(), i + BATCH));
      List<UsageTotals.Totals> read = usage.totals(batch);
      if (read.size() != batch.size()) {
        throw new IllegalStateException(usage.getClass().getName() + " answered " + read.size() + " totals for "
            + batch.size() + " ranges: UsageTotals.totals(List) answers one per range, in order");
      }
      for (int j = 0; j < batch.size(); j++) {
        totals.put(batch.get(j), read.get(j));
      }
    }
  }

  /** How many single reads went to the stores, past what was fetched in batches (for tests). */
  int storeReads() {
    return storeReads;
  }
}
