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
 * organizations: when it is full, the organization holding the most events drops its oldest for each
 * new one as long as it holds more than its share (the capacity divided by the organizations kept),
 * so one that floods its trail pushes out its own past first, and another's only once it is down to
 * its share; otherwise the oldest event of all goes.
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

  /** One organization's events, oldest first (events of no customer under ""). */
  private static final class Tenant {
    final String name;
    final ArrayDeque<Kept> events = new ArrayDeque<>();

    Tenant(String name) {
      this.name = name;
    }
  }

  private final Map<String, Tenant> byTenant = new HashMap<>();
  /**
   * The organizations by how many events they hold, the most last, and among as many the one with the
   * oldest event last (re-placed on every change: no two hold the same oldest event).
   */
  private final java.util.TreeSet<Tenant> bySize = new java.util.TreeSet<>(
      java.util.Comparator.<Tenant>comparingInt(t -> t.events.size())
          .thenComparingLong(t -> -t.events.peekFirst().position));
  /** Every event in the order kept, with those dropped since (gone) until the next compaction. */
  private final ArrayDeque<Kept> order = new ArrayDeque<>();
  private long positions;
  private int live;
  private final int capacity;
  /** Positions are sealed in the cursors handed out: they would tell how many events others made. */
  private final AuditCursor cursors = AuditCursor.withRandomKey();

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
      String name = tenant(e);
      Tenant t = byTenant.computeIfAbsent(name, Tenant::new);
      bySize.remove(t);
      t.events.addLast(k);
      bySize.add(t);
      order.addLast(k);
      if (++live > capacity) {
        dropOne();
      }
      if (order.size() > 2 * capacity) {
        order.removeIf(x -> x.gone); // once per capacity events at most: the gone are forgotten
      }
    }
  }

  /**
   * Makes room: the organization holding the most events drops its oldest when it holds more than its
   * share (the capacity divided by the organizations kept); otherwise the oldest event of all goes.
   */
  private void dropOne() {
    Tenant most = bySize.last();
    if (most.events.size() > capacity / byTenant.size()) {
      forget(most);
      return;
    }
    while (true) {
      Kept oldest = order.pollFirst();
      if (!oldest.gone) { // the oldest kept event is the first of its organization's
        forget(byTenant.get(tenant(oldest.event)));
        return;
      }
    }
  }

  private void forget(Tenant t) {
    bySize.remove(t);
    t.events.pollFirst().gone = true;
    live--;
    if (t.events.isEmpty()) {
      byTenant.remove(t.name);
    } else {
      bySize.add(t);
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
    long after = query.cursor().map(cursors::open).orElse(0L);
    Tenant own = query.customerId().map(byTenant::get).orElse(null);
    Iterable<Kept> kept = query.customerId().isEmpty() ? order : own == null ? List.of() : own.events;
    List<AuditEvent> out = new ArrayList<>();
    long last = after;
    for (Kept k : kept) {
      if (k.gone || k.position <= after || !query.matches(k.event)) {
        continue;
      }
      if (out.size() == query.limit()) {
        return new Page(out, Optional.of(cursors.seal(last)));
      }
      out.add(k.event);
      last = k.position;
    }
    return new Page(out, Optional.empty());
  }

}
