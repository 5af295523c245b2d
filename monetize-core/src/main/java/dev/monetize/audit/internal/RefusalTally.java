package dev.monetize.audit.internal;

import dev.monetize.audit.AuditEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Refusals of requests whose customer was never identified (a missing, malformed, unknown or
 * revoked credential; the shield), counted per client address, operation, code and minute and
 * written as one event per group with its {@code count}: a flood of bad credentials leaves counters
 * in the trail, not one row per request. At most {@link #MAX_GROUPS} groups a minute; past that,
 * refusals are counted under the address {@code *}.
 */
final class RefusalTally {
  static final int MAX_GROUPS = 10_000;

  /**
   * A group's key. Stored keys are never changed; each thread looks groups up with a probe of its own
   * that it refills, so counting a refusal of a group already there allocates nothing.
   */
  private static final class Group {
    long minute;
    String address;
    String operation;
    String code;
    int status;

    Group set(long minute, String address, String operation, String code, int status) {
      this.minute = minute;
      this.address = address;
      this.operation = operation;
      this.code = code;
      this.status = status;
      return this;
    }

    Group copy() {
      return new Group().set(minute, address, operation, code, status);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Group g && minute == g.minute && status == g.status && address.equals(g.address)
          && operation.equals(g.operation) && code.equals(g.code);
    }

    @Override
    public int hashCode() {
      return (((Long.hashCode(minute) * 31 + address.hashCode()) * 31 + operation.hashCode()) * 31 + code.hashCode())
          * 31 + status;
    }
  }

  /** The first refusal of a group (its request id, method and path stand for the group) and the count. */
  private record Tally(String requestId, String method, String path, LongAdder count) {}

  private final ConcurrentHashMap<Group, Tally> groups = new ConcurrentHashMap<>();
  private static final ThreadLocal<Group> PROBE = ThreadLocal.withInitial(Group::new);

  /** Whether {@code e} is counted here rather than written on its own. */
  static boolean counts(AuditEvent e) {
    return e.customerId().isEmpty() && !e.decision().equals("admitted") && e.details().isEmpty();
  }

  void add(AuditEvent e) {
    add(Math.floorDiv(e.time().getEpochSecond(), 60), e.remoteAddress(), e.operationId(), e.decision(), e.status(),
        e.requestId(), e.method(), e.path());
  }

  /** Counts one refusal; allocates only for the first of its group. */
  void add(long minute, String remoteAddress, String operation, String code, int status, String requestId,
      String method, String path) {
    Group probe = PROBE.get().set(minute, groups.size() < MAX_GROUPS ? remoteAddress : "*", operation, code, status);
    Tally t = groups.get(probe);
    if (t == null) {
      Group key = probe.copy();
      t = groups.computeIfAbsent(key, g -> new Tally(requestId, method, path, new LongAdder()));
    }
    probe.address = null; // the probe keeps no request's strings alive
    t.count().increment();
  }

  /** The groups of minutes before {@code now}'s (all of them when {@code all}), as events, oldest first. */
  List<AuditEvent> drain(Instant now, boolean all) {
    long current = Math.floorDiv(now.getEpochSecond(), 60);
    List<AuditEvent> out = new ArrayList<>();
    for (Iterator<Map.Entry<Group, Tally>> it = groups.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Group, Tally> entry = it.next();
      Group g = entry.getKey();
      if (!all && g.minute >= current) {
        continue;
      }
      it.remove();
      Tally f = entry.getValue();
      out.add(new AuditEvent(Instant.ofEpochSecond(g.minute * 60), f.requestId(), java.util.Optional.empty(),
          java.util.Optional.empty(), g.operation, f.method(), f.path(), g.address, g.status, g.code, 0, 0,
          Map.of("count", Long.toString(f.count().sum()), "aggregated", "minute")));
    }
    out.sort(java.util.Comparator.comparing(AuditEvent::time));
    return out;
  }
}
