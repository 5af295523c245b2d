package dev.monetize.shield.internal;

import dev.monetize.shield.Ban;
import dev.monetize.shield.ShieldStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The failed authentications of each client counted for every node that shares the shield store
 * ({@link ShieldStore#countsFailures()}): each node counts its own on the request path (no I/O), and
 * adds them to the store's window about once a second; a client whose window reaches the ban's
 * {@code after} across nodes is banned, as one node bans it at {@code after} of its own. Windows
 * are fixed, named by the client and the start every node derives alike: the window's aligned start,
 * or the client's last ban when later (a ban starts the count again, as it does on one node).
 */
final class SharedFailures {
  /** At most this many clients wait to be added (a flood of addresses is counted per node beyond it). */
  private static final int MAX_PENDING = 100_000;
  /** At most this many clients are added per flush (one round trip each), those with the most failures first. */
  static final int PER_FLUSH = 1_000;

  private final ShieldStore store;
  private final boolean enabled;
  private final long after;
  private final Duration window;
  private final ConcurrentHashMap<String, LongAdder> pending = new ConcurrentHashMap<>();

  SharedFailures(ShieldStore store, long after, Duration window) {
    this.store = store;
    this.enabled = after > 0 && store.countsFailures();
    this.after = after;
    this.window = window;
  }

  /** One more failure of {@code client}, counted here until the next {@link #flush}. */
  void add(String client) {
    if (!enabled) {
      return;
    }
    LongAdder n = pending.get(client);
    if (n == null) {
      if (pending.size() >= MAX_PENDING) {
        return;
      }
      n = pending.computeIfAbsent(client, k -> new LongAdder());
    }
    n.increment();
  }

  /**
   * Adds what was counted here since the last flush to the store (on the store's thread) and hands
   * each client whose window reached {@code after} to {@code ban}, unless {@code banned} says it is
   * banned already; {@code lastBan} is the client's latest ban known, if any.
   */
  void flush(Instant now, Function<String, Ban> lastBan, Predicate<String> banned, java.util.function.Consumer<String> ban) {
    if (!enabled) {
      return;
    }
    java.util.Collection<Map.Entry<String, LongAdder>> batch = pending.size() <= PER_FLUSH ? pending.entrySet()
        : pending.entrySet().stream().sorted(java.util.Comparator.comparingLong(
            (Map.Entry<String, LongAdder> e) -> e.getValue().sum()).reversed()).limit(PER_FLUSH).toList();
    for (Map.Entry<String, LongAdder> e : batch) {
      long count = e.getValue().sumThenReset();
      if (count == 0) {
        pending.remove(e.getKey(), e.getValue()); // quiet since the last flush
        continue;
      }
      String client = e.getKey();
      long total = store.addFailures(windowOf(client, now, lastBan.apply(client)), count, window.multipliedBy(2));
      if (total >= after && !banned.test(client)) {
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
