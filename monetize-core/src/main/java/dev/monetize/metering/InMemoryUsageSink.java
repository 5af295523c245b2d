package dev.monetize.metering;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

/**
 * A {@link UsageSink} that keeps every record in memory, once (deduplicated by id), and answers
 * totals. For development and tests; it grows without bound.
 */
public final class InMemoryUsageSink implements UsageSink {
  private final ConcurrentLinkedQueue<UsageRecord> records = new ConcurrentLinkedQueue<>();
  private final java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();

  InMemoryUsageSink() {}

  /** Keeps the records it has not seen yet (by {@link UsageRecord#id()}): a redelivery changes nothing. */
  @Override
  public void accept(List<UsageRecord> batch) {
    for (UsageRecord r : batch) {
      if (seen.add(r.id())) {
        records.add(r);
      }
    }
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
