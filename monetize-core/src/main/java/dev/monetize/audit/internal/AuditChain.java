package dev.monetize.audit.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.monetize.audit.AuditEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Links each tenant's events into a hash chain as they are delivered: the next {@code seq}, the
 * previous event's {@code hash} as {@code prev_hash}, and the event's own hash. One chain per
 * customer (and one, {@code -}, for events of no identified customer). The heads of the 100,000
 * most recently active chains are kept (memory follows active customers, not all of them); a chain
 * whose head was forgotten, or one after a restart, goes on as a new run ({@code segment}, the time
 * it began) from seq 1, unless a durable store gives its head back ({@link #resume}).
 */
public final class AuditChain {
  private record Head(String segment, long seq, String hash) {}

  /** How far past an event it did not expect {@link #link} looks for the next event made here. */
  private static final int LOOK_AHEAD = 8;

  private final Cache<String, Head> heads = Caffeine.newBuilder().maximumSize(100_000)
      .expireAfterAccess(Duration.ofDays(1)).executor(Runnable::run).build();

  /**
   * Each chain's last event chained as it was made ({@link #build}) in the batch being made; a
   * delivery clears it, whether the sink took the batch or not.
   */
  private final Map<String, AuditEvent> building = new HashMap<>();
  /** The chain {@link #build} chained last, and its event then: most batches run long on one tenant. */
  private String lastChain;
  private AuditEvent lastBuilt;
  /**
   * The events {@link #build} made since the last delivery, in the order made: only these are
   * trusted to carry their own hash (found by identity, in the order the batch holds them).
   */
  private final List<AuditEvent> made = new ArrayList<>();

  /**
   * The event of {@code item}, chained as it is made: after its chain's last event in the batch
   * being made, else after the chain's head. {@link #deliver} keeps such an event as it is when its
   * link is still the one the chain expects, and chains it again otherwise.
   */
  public synchronized AuditEvent build(Object item, EventBuilder builder) {
    String chain = builder.chain(item);
    AuditEvent before = chain == lastChain ? lastBuilt : building.get(chain);
    AuditEvent e;
    if (before != null) {
      e = builder.chained(item, before.segment(), before.seq() + 1, before.hash());
    } else {
      Head h = heads.getIfPresent(chain);
      e = h == null ? builder.chained(item, builder.time(item).toString(), 1, AuditEvent.GENESIS)
          : builder.chained(item, h.segment(), h.seq() + 1, h.hash());
    }
    building.put(chain, e);
    lastChain = chain;
    lastBuilt = e;
    made.add(e);
    return e;
  }

  /** Continues the chain of {@code chain} after an event already stored. */
  public synchronized void resume(String chain, String segment, long seq, String hash) {
    heads.put(chain, new Head(segment, seq, hash));
  }

  /** The events of {@code batch}, chained in order. */
  public synchronized List<AuditEvent> link(List<AuditEvent> batch) {
    List<AuditEvent> out = new ArrayList<>(batch.size());
    moveHeads(link(batch, out));
    return out;
  }

  /**
   * Hands {@code batch}, chained in order, to {@code sink}; the chains move on only when the sink
   * took it (a batch it refused leaves no gap, and is chained again when delivered later).
   */
  public synchronized void deliver(List<AuditEvent> batch, dev.monetize.audit.AuditSink sink) throws Exception {
    try {
      List<AuditEvent> out = new ArrayList<>(batch.size());
      Map<String, AuditEvent> last = link(batch, out); // its own: a sink that delivers again from here links apart
      sink.accept(out);
      moveHeads(last);
    } finally {
      building.clear(); // the next batch links after the heads, moved or not
      lastChain = null;
      lastBuilt = null;
      made.clear();
    }
  }

  /** Each chain's last event of the batch just linked becomes its head (one head per chain, not per event). */
  private void moveHeads(Map<String, AuditEvent> last) {
    last.forEach((chain, e) -> heads.put(chain, new Head(e.segment(), e.seq(), e.hash())));
  }

  /** Links {@code batch} into {@code out}; each chain's last event of it. */
  private Map<String, AuditEvent> link(List<AuditEvent> batch, List<AuditEvent> out) {
    Map<String, AuditEvent> last = new HashMap<>();
    int next = 0; // where in {@link #made} the next event made here is looked for
    for (int i = 0; i < batch.size(); i++) {
      AuditEvent e = batch.get(i);
      String chain = e.chain();
      AuditEvent before = last.get(chain);
      String segment;
      long seq;
      String prevHash;
      if (before != null) {
        segment = before.segment();
        seq = before.seq() + 1;
        prevHash = before.hash();
      } else {
        Head h = heads.getIfPresent(chain);
        segment = h == null ? e.time().toString() : h.segment(); // no head: a new run of this chain
        seq = h == null ? 1 : h.seq() + 1;
        prevHash = h == null ? AuditEvent.GENESIS : h.hash();
      }
      int at = madeAt(e, next);
      if (at >= 0) {
        next = at + 1;
      }
      // an event this chain made as it was built keeps its link when it is still the one expected here
      boolean expected = at >= 0 && e.seq() == seq && e.segment().equals(segment) && e.prevHash().equals(prevHash);
      AuditEvent linked = expected ? e : e.chained(segment, seq, prevHash);
      last.put(chain, linked);
      out.add(linked);
    }
    return last;
  }

  /**
   * Where {@code e} is among the events made here, looked for from {@code from} on (a batch holds them
   * in the order made, with events handed in whole between them); -1: not made here, so not trusted.
   * More than {@link #LOOK_AHEAD} events made and left out of the batch in a row (none are today: the
   * events of requests are all delivered) would only cost hashing the rest of the batch again.
   */
  private int madeAt(AuditEvent e, int from) {
    for (int k = from, end = Math.min(made.size(), from + LOOK_AHEAD); k < end; k++) {
      if (made.get(k) == e) {
        return k;
      }
    }
    return -1;
  }
}
