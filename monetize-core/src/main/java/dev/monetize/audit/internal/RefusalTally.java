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

  private record Group(long minute, String address, String operation, String code, int status) {}

  /** The first refusal of a group (its request id, method and path stand for the group) and the count. */
  private record Tally(AuditEvent first, LongAdder count) {}

  private final ConcurrentHashMap<Group, Tally> groups = new ConcurrentHashMap<>();

  /** Whether {@code e} is counted here rather than written on its own. */
  static boolean counts(AuditEvent e) {
    return e.customerId().isEmpty() && !e.decision().equals("admitted") && e.details().isEmpty();
  }

  void add(AuditEvent e) {
    long minute = Math.floorDiv(e.time().getEpochSecond(), 60);
    String address = groups.size() < MAX_GROUPS ? e.remoteAddress() : "*";
    groups.computeIfAbsent(new Group(minute, address, e.operationId(), e.decision(), e.status()),
        g -> new Tally(e, new LongAdder())).count().increment();
  }

  /** The groups of minutes before {@code now}'s (all of them when {@code all}), as events, oldest first. */
  List<AuditEvent> drain(Instant now, boolean all) {
    long current = Math.floorDiv(now.getEpochSecond(), 60);
    List<AuditEvent> out = new ArrayList<>();
    for (Iterator<Map.Entry<Group, Tally>> it = groups.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Group, Tally> entry = it.next();
      Group g = entry.getKey();
      if (!all && g.minute() >= current) {
        continue;
      }
      it.remove();
      AuditEvent f = entry.getValue().first();
      out.add(new AuditEvent(Instant.ofEpochSecond(g.minute() * 60), f.requestId(), f.customerId(), f.keyId(),
          g.operation(), f.method(), f.path(), g.address(), g.status(), g.code(), 0, 0,
          Map.of("count", Long.toString(entry.getValue().count().sum()), "aggregated", "minute")));
    }
    out.sort(java.util.Comparator.comparing(AuditEvent::time));
    return out;
  }
}
