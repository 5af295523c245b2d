package dev.monetize.metering;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

/**
 * A {@link UsageSink} that keeps every record in memory and answers totals. For development and
 * tests; it grows without bound.
 */
public final class InMemoryUsageSink implements UsageSink {
  private final ConcurrentLinkedQueue<UsageRecord> records = new ConcurrentLinkedQueue<>();

  InMemoryUsageSink() {}

  @Override
  public void accept(List<UsageRecord> batch) {
    records.addAll(batch);
  }

  /** Every record received so far. */
  public List<UsageRecord> records() {
    return List.copyOf(new ArrayList<>(records));
  }

  /** Total calls of records matching {@code filter}. */
  public long calls(Predicate<UsageRecord> filter) {
    long sum = 0;
    for (UsageRecord r : records) {
      if (filter.test(r)) {
        sum += r.calls();
      }
    }
    return sum;
  }

  /** Total 2xx calls of one customer. */
  public long successfulCalls(String customerId) {
    return calls(r -> r.customerId().equals(customerId) && r.successful());
  }
}
