package dev.monetize.audit;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An {@link AuditStore} that keeps recent events in memory, for development, tests and the
 * examples: at most its capacity in all (100,000 for {@link AuditSink#inMemory()}), older events
 * dropped (their chains then begin past seq 1 in an export). The room is shared fairly between
 * organizations: when it is full, an organization holding more than its share (the capacity divided
 * by the organizations kept) drops its own oldest event for each new one, so one that floods its
 * trail (every refused call of a known customer is an event) pushes out only its own past, never
 * another's; otherwise the oldest event of all goes.
 */
public final class InMemoryAuditSink implements AuditStore {
  private static final class Kept {
    final long position;
    final AuditEvent event;
    boolean gone;

    Kept(long position, AuditEvent event) {
      this.position = position;
      this.event = event;
    }
  }

  /** Each organization's events, oldest first (events of no customer under ""). */
  private final Map<String, ArrayDeque<Kept>> byTenant = new HashMap<>();
  /** Every event in the order kept, with those dropped since (gone) until the next compaction. */
  private final ArrayDeque<Kept> order = new ArrayDeque<>();
  private long positions;
  private int live;
  private final int capacity;

  InMemoryAuditSink(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("an in-memory audit trail keeps at least one event, got " + capacity);
    }
    this.capacity = capacity;
  }

  private static String tenant(AuditEvent e) {
    return e.customerId().orElse("");
  }

  @Override
  public synchronized void accept(List<AuditEvent> batch) {
    for (AuditEvent e : batch) {
      Kept k = new Kept(++positions, e);
      String t = tenant(e);
      byTenant.computeIfAbsent(t, x -> new ArrayDeque<>()).addLast(k);
      order.addLast(k);
      if (++live > capacity) {
        dropOne(t);
      }
      if (order.size() > 2 * capacity) {
        order.removeIf(x -> x.gone); // once per capacity events at most: the gone are forgotten
      }
    }
  }

  /** Makes room after an event of {@code t}: its own oldest past its share, else the oldest of all. */
  private void dropOne(String t) {
    ArrayDeque<Kept> own = byTenant.get(t);
    if (own.size() > capacity / byTenant.size()) {
      forget(t, own);
      return;
    }
    while (true) {
      Kept oldest = order.pollFirst();
      if (!oldest.gone) { // the oldest kept event is the first of its organization's
        String of = tenant(oldest.event);
        forget(of, byTenant.get(of));
        return;
      }
    }
  }

  private void forget(String t, ArrayDeque<Kept> events) {
    events.pollFirst().gone = true;
    live--;
    if (events.isEmpty()) {
      byTenant.remove(t);
    }
  }

  /** The events kept, oldest first. */
  public synchronized List<AuditEvent> events() {
    List<AuditEvent> out = new ArrayList<>(live);
    for (Kept k : order) {
      if (!k.gone) {
        out.add(k.event);
      }
    }
    return List.copyOf(out);
  }

  @Override
  public synchronized Page find(Query query) {
    long after = query.cursor().map(InMemoryAuditSink::position).orElse(0L);
    Iterable<Kept> kept = query.customerId().isPresent()
        ? byTenant.getOrDefault(query.customerId().get(), new ArrayDeque<>()) : order;
    List<AuditEvent> out = new ArrayList<>();
    long last = after;
    for (Kept k : kept) {
      if (k.gone || k.position <= after || !query.matches(k.event)) {
        continue;
      }
      if (out.size() == query.limit()) {
        return new Page(out, Optional.of(Long.toString(last)));
      }
      out.add(k.event);
      last = k.position;
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
