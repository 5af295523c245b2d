package dev.monetize.audit.internal;

import dev.monetize.audit.AuditEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Refusals of requests whose customer was never identified (a missing, malformed, unknown or
 * revoked credential; the shield), counted per client address, operation, code and minute and
 * written as one event per group with its {@code count}: a flood of bad credentials leaves counters
 * in the trail, not one row per request. At most {@link #MAX_GROUPS} groups a minute; past that,
 * refusals are counted under the address {@code *}.
 *
 * <p>A known customer's refusals by its limits ({@code 429}) are counted per key, operation, code
 * and minute too: the first {@link #FIRST_EACH} of a group are written on their own, the rest as one
 * event in the customer's chain (a valid key sending thousands of calls a second past its limit
 * would otherwise write thousands of rows a second into the store).
 */
final class RefusalTally {
  static final int MAX_GROUPS = 10_000;
  /** How many of a known key's refusals of one group a minute are written on their own. */
  static final int FIRST_EACH = 10;

  /**
   * A group's key. Stored keys are never changed; each thread looks groups up with a probe of its own
   * that it refills, so counting a refusal of a group already there allocates nothing.
   */
  private static final class Group {
    long minute;
    /** The client's address; "" for a known key's group (its key is {@link #key}). */
    String address;
    /** A known key's customer and key; "" for a caller never identified. */
    String customer;
    String key;
    String operation;
    String code;
    int status;

    Group set(long minute, String address, String customer, String key, String operation, String code, int status) {
      this.minute = minute;
      this.address = address;
      this.customer = customer;
      this.key = key;
      this.operation = operation;
      this.code = code;
      this.status = status;
      return this;
    }

    Group copy() {
      return new Group().set(minute, address, customer, key, operation, code, status);
    }

    void clear() { // the probe keeps no request's strings alive
      address = null;
      customer = null;
      key = null;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Group g && minute == g.minute && status == g.status && address.equals(g.address)
          && key.equals(g.key) && customer.equals(g.customer) && operation.equals(g.operation) && code.equals(g.code);
    }

    @Override
    public int hashCode() {
      return (((((Long.hashCode(minute) * 31 + address.hashCode()) * 31 + customer.hashCode()) * 31 + key.hashCode())
          * 31 + operation.hashCode()) * 31 + code.hashCode()) * 31 + status;
    }
  }

  /**
   * The first refusal of a group (its request id, method, path and, for a known key, client address
   * stand for the group) and the count: spread over cells for a caller never identified (a flood from
   * many threads), exact in order for a known key's (its first few are written on their own).
   */
  private record Tally(String requestId, String method, String path, String address, LongAdder count,
      AtomicLong ordinal) {
    /**
     * The count, taken once the group is out of its map: a known key's is closed at the same time, so a
     * refusal that found the group before it left sees its count come back negative and counts again in
     * a group of its own instead of being lost.
     */
    long take() {
      return count != null ? count.sum() : ordinal.getAndSet(CLOSED);
    }
  }

  private static final long CLOSED = Long.MIN_VALUE / 2;

  private final ConcurrentHashMap<Group, Tally> groups = new ConcurrentHashMap<>();
  /** Known keys' groups: bounded apart from {@link #groups}. */
  private final ConcurrentHashMap<Group, Tally> known = new ConcurrentHashMap<>();
  /** How many groups each map holds per minute: a minute's bound is its own, not shared with the last one's. */
  private final ConcurrentHashMap<Long, java.util.concurrent.atomic.AtomicInteger> anonymousPerMinute =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Long, java.util.concurrent.atomic.AtomicInteger> knownPerMinute =
      new ConcurrentHashMap<>();
  private static final ThreadLocal<Group> PROBE = ThreadLocal.withInitial(Group::new);

  /** Whether {@code e} is counted here rather than written on its own. */
  static boolean counts(AuditEvent e) {
    return e.customerId().isEmpty() && !e.decision().equals("admitted") && e.details().isEmpty();
  }

  void add(AuditEvent e) { // per client, as the shield counts them (an IPv6 /64 is one: it could rotate addresses)
    add(Math.floorDiv(e.time().getEpochSecond(), 60), dev.monetize.http.Cidr.clientKey(e.remoteAddress()),
        e.operationId(), e.decision(), e.status(), e.requestId(), e.method(), e.path());
  }

  /** Counts one refusal; allocates only for the first of its group. */
  void add(long minute, String remoteAddress, String operation, String code, int status, String requestId,
      String method, String path) {
    Group probe = PROBE.get().set(minute, count(anonymousPerMinute, minute) < MAX_GROUPS ? remoteAddress : "*", "",
        "", operation, code, status);
    tally(groups, anonymousPerMinute, probe, requestId, method, path, remoteAddress, false).count().increment();
  }

  private static int count(ConcurrentHashMap<Long, java.util.concurrent.atomic.AtomicInteger> perMinute, long minute) {
    java.util.concurrent.atomic.AtomicInteger n = perMinute.get(minute);
    return n == null ? 0 : n.get();
  }

  /**
   * Counts one refusal of a known customer's key by its limits; false (not counted) for the first
   * {@link #FIRST_EACH} of its group this minute, which the caller writes on its own. Known keys'
   * groups have a bound of their own ({@link #MAX_GROUPS}), apart from the groups of callers never
   * identified: past it, a key's refusals are counted under its customer (key {@code *}), so one
   * tenant's many keys crowd out neither another tenant's grouping nor the anonymous one. Allocates
   * only for the first of its group.
   */
  boolean addKnown(long minute, String customer, String key, String remoteAddress, String operation, String code,
      int status, String requestId, String method, String path) {
    while (true) {
      Group probe = PROBE.get().set(minute, "", customer, key, operation, code, status);
      int n = count(knownPerMinute, minute);
      if (n >= 2 * MAX_GROUPS && !known.containsKey(probe)) {
        probe.clear();
        return false; // past both bounds: written on its own (memory stays bounded)
      }
      if (n >= MAX_GROUPS && !known.containsKey(probe)) {
        probe.key = "*";
      }
      long ordinal = tally(known, knownPerMinute, probe, requestId, method, path, remoteAddress, true).ordinal()
          .incrementAndGet();
      if (ordinal > 0) {
        return ordinal > FIRST_EACH;
      } // the group was written meanwhile: count in a fresh one
    }
  }

  private static Tally tally(ConcurrentHashMap<Group, Tally> groups,
      ConcurrentHashMap<Long, java.util.concurrent.atomic.AtomicInteger> perMinute, Group probe, String requestId,
      String method, String path, String remoteAddress, boolean known) {
    Tally t = groups.get(probe);
    if (t == null) {
      Group key = probe.copy();
      t = groups.computeIfAbsent(key, g -> {
        perMinute.computeIfAbsent(g.minute, m -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
        return new Tally(requestId, method, path, remoteAddress, known ? null : new LongAdder(),
            known ? new AtomicLong() : null);
      });
    }
    probe.clear();
    return t;
  }

  /** How long after a minute ends its groups are written: a refused call of its last moments still counts there. */
  static final int GRACE_SECONDS = 5;

  /**
   * The groups of minutes ended {@link #GRACE_SECONDS} before {@code now} (all of them when
   * {@code all}), as events, oldest first. A caller never identified is written at the minute's start;
   * a known key's count at the minute's last millisecond, after the refusals written on their own.
   */
  List<AuditEvent> drain(Instant now, boolean all) {
    long current = Math.floorDiv(now.getEpochSecond() - GRACE_SECONDS, 60);
    List<AuditEvent> out = new ArrayList<>();
    drain(groups, anonymousPerMinute, current, all, (g, f) -> out.add(new AuditEvent(Instant.ofEpochSecond(g.minute
        * 60), f.requestId(), java.util.Optional.empty(), java.util.Optional.empty(), g.operation, f.method(), f.path(),
        g.address, g.status, g.code, 0, 0, Map.of("count", Long.toString(f.take()), "aggregated", "minute"))));
    drain(known, knownPerMinute, current, all, (g, f) -> {
      long total = f.take();
      if (total > FIRST_EACH) { // the first ones were written on their own
        out.add(new AuditEvent(Instant.ofEpochSecond(g.minute * 60 + 59, 999_000_000), f.requestId(),
            java.util.Optional.of(g.customer), java.util.Optional.of(g.key), g.operation, f.method(), f.path(),
            f.address(), g.status, g.code, 0, 0,
            Map.of("count", Long.toString(total - FIRST_EACH), "aggregated", "minute")));
      }
    });
    out.sort(java.util.Comparator.comparing(AuditEvent::time));
    return out;
  }

  /** Removes the groups of minutes before {@code current} (all when {@code all}), handing each to {@code done}. */
  private static void drain(ConcurrentHashMap<Group, Tally> from,
      ConcurrentHashMap<Long, java.util.concurrent.atomic.AtomicInteger> perMinute, long current, boolean all,
      java.util.function.BiConsumer<Group, Tally> done) {
    for (Iterator<Map.Entry<Group, Tally>> it = from.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Group, Tally> entry = it.next();
      if (all || entry.getKey().minute < current) {
        it.remove();
        java.util.concurrent.atomic.AtomicInteger n = perMinute.get(entry.getKey().minute);
        if (n != null && n.decrementAndGet() <= 0) {
          perMinute.remove(entry.getKey().minute, n);
        }
        done.accept(entry.getKey(), entry.getValue());
      }
    }
  }
}
