package dev.monetize.metering.internal;

import dev.monetize.plans.Customer;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * This JVM's running totals per customer and billing period, which usage reports and invoices read
 * when the usage sink keeps no totals of its own.
 */
public final class PeriodTotals {
  private final ConcurrentHashMap<String, PeriodUsage> periods = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong lastSweep = new java.util.concurrent.atomic.AtomicLong();

  /** This JVM's running totals of one customer in one billing period. */
  public static final class PeriodUsage {
    /** Start of the period, epoch nanoseconds. */
    public final long start;
    /** End of the period (exclusive), epoch nanoseconds. */
    public final long end;
    /** Running sum. */
    public final LongAdder requests = new LongAdder();
    /** Running sum. */
    public final LongAdder bytesIn = new LongAdder();
    /** Running sum. */
    public final LongAdder bytesOut = new LongAdder();
    /** Running sum. */
    public final LongAdder micros = new LongAdder();
    /** Running sum. */
    public final LongAdder cpuMicros = new LongAdder();
    /** Calls per plan and operation: invoices price each plan's share at that plan's prices. */
    final ConcurrentHashMap<String, ConcurrentHashMap<String, LongAdder>>
        byPlan = new ConcurrentHashMap<>();

    PeriodUsage(long start, long end) {
      this.start = start;
      this.end = end;
    }

    /** Counts one call. */
    public void add(String plan, String operationId, long bytesRead, long bytes, long durationNanos, long cpuNanos) {
      requests.increment();
      if (bytesRead != 0) {
        bytesIn.add(bytesRead);
      }
      bytesOut.add(bytes);
      micros.add(durationNanos / 1_000);
      if (cpuNanos != 0) {
        cpuMicros.add(cpuNanos / 1_000);
      }
      ConcurrentHashMap<String, LongAdder> ops = byPlan.get(plan);
      if (ops == null) {
        ops = byPlan.computeIfAbsent(plan, k -> new ConcurrentHashMap<>());
      }
      LongAdder op = ops.get(operationId);
      if (op == null) {
        op = ops.computeIfAbsent(operationId, k -> new LongAdder());
      }
      op.increment();
    }

    /** Calls per operation, on the given plans (all when empty). */
    public java.util.Map<String, Long> byOperation(Optional<String> plan) {
      java.util.Map<String, Long> out = new java.util.TreeMap<>();
      byPlan.forEach((p, ops) -> {
        if (plan.isEmpty() || plan.get().equals(p)) {
          ops.forEach((op, n) -> out.merge(op, n.sum(), Long::sum));
        }
      });
      return out;
    }
  }

  /** The running totals of {@code customer} in the billing period around {@code nowNanos}. */
  public PeriodUsage of(Customer customer, long nowNanos) {
    PeriodUsage u = periods.get(customer.id());
    if (u == null || nowNanos >= u.end || nowNanos < u.start) {
      long start = dev.monetize.limits.internal.CalendarWindows.start(dev.monetize.plans.QuotaWindow.MONTH,
          customer.billingAnchor(), nowNanos);
      long end = dev.monetize.limits.internal.CalendarWindows.end(dev.monetize.plans.QuotaWindow.MONTH,
          customer.billingAnchor(), nowNanos);
      PeriodUsage fresh = new PeriodUsage(start, end);
      u = periods.compute(customer.id(), (k, old) -> old != null && old.start == start ? old : fresh);
    }
    return u;
  }

  /**
   * Forgets the customers whose period ended (they start afresh at their next call), at most once
   * an hour: memory follows the customers of the current periods, not every customer ever seen.
   * Called off the request path (by the usage flusher).
   */
  public void sweep(long nowNanos) {
    long last = lastSweep.get();
    if (nowNanos - last < 3_600_000_000_000L || !lastSweep.compareAndSet(last, nowNanos)) {
      return;
    }
    periods.values().removeIf(u -> u.end <= nowNanos);
  }

  /** How many customers have totals (for tests). */
  int size() {
    return periods.size();
  }
}
