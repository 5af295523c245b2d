package dev.monetize.audit;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An {@link AuditStore} that keeps the most recent events in memory, for development, tests and the
 * examples; older events are dropped (their chains then begin past seq 1 in an export).
 */
public final class InMemoryAuditSink implements AuditStore {
  private record Kept(long position, AuditEvent event) {}

  private final ConcurrentLinkedDeque<Kept> events = new ConcurrentLinkedDeque<>();
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicLong positions = new AtomicLong();
  private final int capacity;

  InMemoryAuditSink(int capacity) {
    this.capacity = capacity;
  }

  @Override
  public void accept(List<AuditEvent> batch) {
    for (AuditEvent e : batch) {
      events.addLast(new Kept(positions.incrementAndGet(), e));
      if (size.incrementAndGet() > capacity && events.pollFirst() != null) {
        size.decrementAndGet();
      }
    }
  }

  /** The events kept, oldest first. */
  public List<AuditEvent> events() {
    List<AuditEvent> out = new ArrayList<>();
    for (Kept k : events) {
      out.add(k.event());
    }
    return List.copyOf(out);
  }

  @Override
  public Page find(Query query) {
    long after = query.cursor().map(InMemoryAuditSink::position).orElse(0L);
    List<AuditEvent> out = new ArrayList<>();
    long last = after;
    for (Iterator<Kept> it = events.iterator(); it.hasNext(); ) {
      Kept k = it.next();
      if (k.position() <= after || !query.matches(k.event())) {
        continue;
      }
      if (out.size() == query.limit()) {
        return new Page(out, Optional.of(Long.toString(last)));
      }
      out.add(k.event());
      last = k.position();
    }
    return new Page(out, Optional.empty());
  }

  private static long position(String cursor) {
    try {
      return Long.parseLong(cursor);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("cursor: a value from next_cursor");
    }
  }
}
