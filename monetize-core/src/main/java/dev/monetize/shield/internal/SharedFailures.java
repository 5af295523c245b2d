package dev.monetize.shield.internal;

import dev.monetize.shield.Ban;
import dev.monetize.shield.ShieldStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The failed authentications of each client counted for every node that shares the shield store
 * ({@link ShieldStore#countsFailures()}): each node counts its own on the request path (no I/O), and
 * adds them to the store's window about once a second; the node whose addition takes a client's
 * window to the ban's {@code after} bans it, as one node bans at {@code after} of its own. Windows
 * are fixed, named by the client and the start every node derives alike: the window's aligned start,
 * or the client's last ban when later (a ban starts the count again, as it does on one node).
 */
final class SharedFailures {
  private static final Logger LOG = LoggerFactory.getLogger(SharedFailures.class);
  /** At most this many clients wait to be added (a flood of addresses is counted per node beyond it). */
  private static final int MAX_PENDING = 100_000;
  /** At most this many clients are added per flush (one round trip each), those with the most failures first. */
  static final int PER_FLUSH = 1_000;
  /** A flush stops after this long; the clients left wait for the next (the store's thread has other work). */
  private static final long FLUSH_BUDGET_NANOS = 250_000_000L;

  /** One client's failures since it was last added, and when the first of them came (epoch nanos). */
  private static final class Pending {
    final LongAdder count = new LongAdder();
    final long since;

    Pending(long since) {
      this.since = since;
    }
  }

  private final ShieldStore store;
  private final boolean enabled;
  private final long after;
  private final Duration window;
  private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
  /** Whether the store's failure was logged since it last answered (once per outage; the store's thread only). */
  private boolean warned;

  SharedFailures(ShieldStore store, long after, Duration window) {
    this.store = store;
    this.enabled = after > 0 && store.countsFailures();
    this.after = after;
    this.window = window;
  }

  /** One more failure of {@code client} at {@code now} (epoch nanos), counted here until the next {@link #flush}. */
  void add(String client, long now) {
    if (!enabled) {
      return;
    }
    Pending p = pending.get(client);
    if (p == null) {
      if (pending.size() >= MAX_PENDING) {
        return;
      }
      p = pending.computeIfAbsent(client, k -> new Pending(now));
    }
    p.count.increment();
  }

  /** Forgets what {@code client} failed here and has not added yet: it is banned for it. */
  void forget(String client) {
    pending.remove(client);
  }

  /**
   * Adds what was counted here since the last flush to the store (on the store's thread), and hands
   * {@code ban} each client whose window this addition took to {@code after}. Failures older than a
   * window, and those of a client {@code banned} says is banned, are dropped; {@code lastBan} is a
   * client's latest ban known, if any. A store that fails keeps the counts for the next flush.
   */
  void flush(long nowNanos, Function<String, Ban> lastBan, Predicate<String> banned, Consumer<String> ban) {
    if (!enabled || pending.isEmpty()) {
      return;
    }
    List<Map.Entry<String, Pending>> batch = new ArrayList<>(pending.entrySet());
    if (batch.size() > PER_FLUSH) { // the most failing first, their sums read once (others keep counting meanwhile)
      List<long[]> order = new ArrayList<>(batch.size());
      for (int i = 0; i < batch.size(); i++) {
        order.add(new long[] {batch.get(i).getValue().count.sum(), i});
      }
      order.sort(Comparator.comparingLong((long[] x) -> x[0]).reversed());
      List<Map.Entry<String, Pending>> top = new ArrayList<>(PER_FLUSH);
      for (int i = 0; i < PER_FLUSH; i++) {
        top.add(batch.get((int) order.get(i)[1]));
      }
      batch = top;
    }
    Instant now = Instant.ofEpochSecond(0, nowNanos);
    long started = System.nanoTime();
    for (Map.Entry<String, Pending> e : batch) {
      if (System.nanoTime() - started > FLUSH_BUDGET_NANOS) {
        return; // the rest next time
      }
      String client = e.getKey();
      Pending p = e.getValue();
      pending.remove(client, p); // a failure from now on starts a new count
      long count = p.count.sumThenReset();
      if (count == 0 || nowNanos - p.since > window.toNanos() || banned.test(client)) {
        continue; // nothing, too old to share a window with now, or banned for it already
      }
      long total;
      try {
        total = store.addFailures(windowOf(client, now, lastBan.apply(client)), count, window.multipliedBy(2));
      } catch (RuntimeException unreachable) {
        pending.merge(client, p, (later, was) -> later).count.add(count); // kept for the next flush
        if (!warned) {
          warned = true;
          LOG.warn("shield store unreachable: failed authentications are counted per node meanwhile ({})",
              unreachable.toString());
        }
        return;
      }
      warned = false;
      if (total >= after && total - count < after) { // this addition crossed it: one node bans, not every one
        ban.accept(client);
      }
    }
  }

  /** The name of {@code client}'s window at {@code now}: the aligned start, or its last ban's when later. */
  String windowOf(String client, Instant now, Ban last) {
    long size = window.toMillis();
    long start = Math.floorDiv(now.toEpochMilli(), size) * size;
    if (last != null && last.since().toEpochMilli() > start) {
      start = last.since().toEpochMilli();
    }
    return client + "@" + start;
  }
}
