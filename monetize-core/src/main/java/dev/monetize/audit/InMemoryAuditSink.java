package dev.monetize.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/** An {@link AuditSink} that keeps the most recent events in memory, for development and tests. */
public final class InMemoryAuditSink implements AuditSink {
  private final ConcurrentLinkedDeque<AuditEvent> events = new ConcurrentLinkedDeque<>();
  private final AtomicInteger size = new AtomicInteger();
  private final int capacity;

  InMemoryAuditSink(int capacity) {
    this.capacity = capacity;
  }

  @Override
  public void accept(List<AuditEvent> batch) {
    for (AuditEvent e : batch) {
      events.addLast(e);
      if (size.incrementAndGet() > capacity && events.pollFirst() != null) {
        size.decrementAndGet();
      }
    }
  }

  /** The events kept, oldest first. */
  public List<AuditEvent> events() {
    return List.copyOf(new ArrayList<>(events));
  }
}
