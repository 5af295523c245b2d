package dev.monetize.audit.internal;

import dev.monetize.audit.AuditEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Links each tenant's events into a hash chain as they are delivered: the next {@code seq}, the
 * previous event's {@code hash} as {@code prev_hash}, and the event's own hash. One chain per
 * customer (and one, {@code -}, for events of no identified customer); the heads live here, in the
 * JVM that delivers, so a restart starts new chains (their first {@code prev_hash} is the last hash
 * a durable store kept, when it gives one: {@link #resume}).
 */
public final class AuditChain {
  private record Head(long seq, String hash) {}

  private final Map<String, Head> heads = new HashMap<>();

  /** Continues the chain of {@code chain} after an event already stored ({@code seq}, {@code hash}). */
  public synchronized void resume(String chain, long seq, String hash) {
    heads.put(chain, new Head(seq, hash));
  }

  /** The events of {@code batch}, chained in order. */
  public synchronized List<AuditEvent> link(List<AuditEvent> batch) {
    List<AuditEvent> out = new ArrayList<>(batch.size());
    for (AuditEvent e : batch) {
      Head h = heads.getOrDefault(e.chain(), new Head(0, AuditEvent.GENESIS));
      AuditEvent linked = e.chained(h.seq() + 1, h.hash());
      heads.put(e.chain(), new Head(linked.seq(), linked.hash()));
      out.add(linked);
    }
    return out;
  }
}
