package dev.monetize.metering.internal;

import dev.monetize.TimeSource;
import dev.monetize.limits.internal.CalendarWindows;
import dev.monetize.metering.UsageRecord;
import dev.monetize.metering.UsageTotals;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.Customer;
import dev.monetize.plans.QuotaWindow;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The engine's own usage totals when the usage sink keeps none: the records the meter delivered,
 * summed per customer for the current billing period, so that usage reports and invoices read the
 * same aggregation the sink received (one counter, not a second one on the request path).
 *
 * <p>A customer's period is kept in slices that start at the period's start and at each plan
 * change in it ({@link #cut}); a record belongs to the slice its interval started in, and a query
 * sums the slices that start in its range. That is the same rule as a ledger's ({@code period_start
 * >= from and < to}), with one slice per plan instead of one row per record, so memory follows the
 * customers of the current periods: accounts of ended periods are swept.
 *
 * <p>The cuts come from the billing history, which every node shares: an account is seeded with
 * the period's plan changes when it opens or rolls into a new period, and a change made while it
 * is open cuts it at once ({@link #cut}). A record whose customer cannot be looked up (its store
 * failing) waits in the ledger and is counted at a later delivery; it is never dropped.
 */
public final class MemoryLedger implements UsageTotals {
  private static final long SWEEP_EVERY_NANOS = 3_600_000_000_000L;

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MemoryLedger.class);
  /** Records held back while their customer cannot be looked up; beyond this, the oldest are counted as lost. */
  private static final int MAX_WAITING = 100_000;

  private final Function<String, Optional<Customer>> customers;
  private final PlanChanges planChanges;
  private final ConcurrentHashMap<String, Account> accounts = new ConcurrentHashMap<>();
  private final AtomicLong lastSweep = new AtomicLong(Long.MIN_VALUE);
  /** Cuts asked for so far: an account that opened while one was made reads the history again. */
  private final AtomicLong cuts = new AtomicLong();
  /** How long after its period ended a customer's usage is kept: the longest period and a grace of days. */
  static final long RETAIN_NANOS = java.time.Duration.ofDays(38).toNanos();
  /** Records whose customer lookup failed, retried at the next delivery (the delivering thread's only). */
  private final java.util.ArrayDeque<UsageRecord> waiting = new java.util.ArrayDeque<>();

  /** The instants in {@code [from, to)} at which a customer's plan changed (the billing history's). */
  @FunctionalInterface
  public interface PlanChanges {
    /** The change instants of {@code customerId} in {@code [from, to)}. */
    List<Instant> between(String customerId, Instant from, Instant to);
  }

  /**
   * A ledger finding each customer's billing anchor in {@code customers} (once per period) and
   * the cuts of its period in {@code planChanges}.
   */
  public MemoryLedger(Function<String, Optional<Customer>> customers, PlanChanges planChanges) {
    this.customers = customers;
    this.planChanges = planChanges;
  }

  /** A ledger without plan changes (each period one slice). */
  MemoryLedger(Function<String, Optional<Customer>> customers) {
    this(customers, (id, from, to) -> List.of());
  }

  /** Sums of the records whose interval started in one slice. */
  private static final class Slice {
    final Tally tally = new Tally();
  }

  /** One customer's current period, in slices by start. Guarded by itself. */
  private static final class Account {
    final BillingAnchor anchor;
    long start;
    long end;
    final TreeMap<Long, Slice> slices = new TreeMap<>();

    Account(BillingAnchor anchor) {
      this.anchor = anchor;
    }

    /**
     * Starts the period around {@code at}, keeping the one just before it (its invoice is finalized
     * after it ends, and late records of it still count) and forgetting older ones; cut where the
     * plan changed in it.
     */
    void roll(long at, String customerId, PlanChanges changes) {
      start = CalendarWindows.start(QuotaWindow.MONTH, anchor, at);
      end = CalendarWindows.end(QuotaWindow.MONTH, anchor, at);
      slices.headMap(CalendarWindows.start(QuotaWindow.MONTH, anchor, start - 1)).clear();
      slices.put(start, new Slice());
      seed(customerId, changes);
    }

    /** Cuts the period where the plan changed in it (again: a cut already there is kept). */
    void seed(String customerId, PlanChanges changes) {
      for (Instant change : changes.between(customerId, Instant.ofEpochSecond(0, start), Instant.ofEpochSecond(0, end))) {
        long t = bound(change);
        if (t > start && t < end) {
          slices.putIfAbsent(t, new Slice());
        }
      }
    }
  }

  /**
   * Adds delivered records (called by the meter after the sink took them, one batch at a time),
   * after forgetting the periods that ended before the batch (at most once an hour), and after
   * the records held back at an earlier delivery. Never throws.
   */
  public void add(List<UsageRecord> records) {
    if (!records.isEmpty()) {
      sweep(bound(records.get(0).to()));
    }
    int retry = waiting.size();
    for (int i = 0; i < retry; i++) {
      addOne(waiting.poll());
    }
    for (UsageRecord r : records) {
      addOne(r);
    }
  }

  private void addOne(UsageRecord r) {
    long at = bound(r.from());
    Account account;
    try {
      account = account(r.customerId(), at);
    } catch (RuntimeException e) {
      if (waiting.size() >= MAX_WAITING) {
        UsageRecord lost = waiting.poll();
        LOG.error("usage report totals: customer {} could not be looked up for long; {} calls are missing from its "
            + "reports (the usage sink has them)", lost.customerId(), lost.calls());
      }
      waiting.add(r);
      LOG.warn("usage report totals: customer {} could not be looked up ({}); its record waits for the next delivery",
          r.customerId(), e.toString());
      return;
    }
    if (account == null) {
      return; // deleted since: nobody can ask for its report
    }
    synchronized (account) {
      if (at >= account.end) {
        account.roll(at, r.customerId(), planChanges);
      }
      Map.Entry<Long, Slice> slice = account.slices.floorEntry(at);
      if (slice == null) {
        return; // a late record of a period already ended
      }
      slice.getValue().tally.add(r);
    }
  }

  /** The customer's account, opened (and cut by its plan changes) around {@code at} when it has none; null when the customer is gone. */
  private Account account(String customerId, long at) {
    Account account = accounts.get(customerId);
    if (account != null) {
      return account;
    }
    Optional<Customer> customer = customers.apply(customerId);
    if (customer.isEmpty()) {
      return null;
    }
    long cutsBefore = cuts.get();
    Account fresh = new Account(customer.get().billingAnchor());
    fresh.roll(at, customerId, planChanges);
    Account raced = accounts.putIfAbsent(customerId, fresh);
    if (raced != null) {
      return raced;
    }
    if (cuts.get() != cutsBefore) {
      // a change recorded after the history was read above may have been cut before the account was
      // there to take the cut: it is in the history now, so read it again (the cuts made since are kept)
      synchronized (fresh) {
        fresh.seed(customerId, planChanges);
      }
    }
    return fresh;
  }

  /**
   * Starts a new slice of the customer's period at {@code at} (a plan change), so that the records
   * after it are counted apart from those before.
   */
  public void cut(String customerId, Instant at) {
    cuts.incrementAndGet(); // before the look: an account opening meanwhile reads the history again
    Account account = accounts.get(customerId);
    if (account == null) {
      return; // no usage yet: its first record opens the period, cut by the billing history
    }
    long t = bound(at);
    synchronized (account) {
      if (t >= account.end) {
        account.roll(t, customerId, planChanges); // the history holds this change: the roll cuts there
      } else if (t > account.start) {
        account.slices.putIfAbsent(t, new Slice());
      }
    }
  }

  @Override
  public java.util.Set<String> customers(Instant from, Instant to) {
    java.util.Set<String> out = new java.util.TreeSet<>();
    accounts.forEach((id, account) -> {
      if (totals(id, from, to).requests() > 0) {
        out.add(id);
      }
    });
    return out;
  }

  @Override
  public Totals totals(String customerId, Instant from, Instant to) {
    Account account = accounts.get(customerId);
    if (account == null) {
      return new Totals(0, 0, 0, 0, 0, Map.of());
    }
    Tally sum = new Tally();
    synchronized (account) {
      for (Slice s : account.slices.subMap(bound(from), true, bound(to), false).values()) {
        sum.add(s.tally);
      }
    }
    return sum.totals();
  }

  /**
   * Forgets the customers whose period ended before {@code nowNanos} (they start afresh with their
   * next record), at most once an hour.
   */
  void sweep(long nowNanos) {
    long last = lastSweep.get();
    if ((last != Long.MIN_VALUE && nowNanos - last < SWEEP_EVERY_NANOS) || !lastSweep.compareAndSet(last, nowNanos)) {
      return;
    }
    accounts.values().removeIf(a -> {
      synchronized (a) {
        return a.end + RETAIN_NANOS <= nowNanos; // the last period stays until its invoice is due
      }
    });
  }

  /** Customers with an account (for tests). */
  int size() {
    return accounts.size();
  }

  /**
   * {@code t} in epoch nanos, saturated before 1677 and after 2262: a query's far bound, or a history's
   * "on this plan since ever" (only the instants inside a period cut it).
   */
  private static long bound(Instant t) {
    return t.getEpochSecond() >= Long.MAX_VALUE / 1_000_000_000L ? Long.MAX_VALUE
        : t.getEpochSecond() < Long.MIN_VALUE / 1_000_000_000L ? Long.MIN_VALUE : TimeSource.epochNanos(t);
  }
}
