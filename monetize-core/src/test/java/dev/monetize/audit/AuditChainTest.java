package dev.monetize.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.audit.internal.AuditChain;
import java.io.BufferedReader;
import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/**
 * The hash chain of audit events: each tenant's events link to the one before; any change,
 * removal, reordering or insertion is found and named; the canonical JSON is RFC 8785's.
 */
class AuditChainTest {
  private static AuditEvent event(String customer, int i) {
    return new AuditEvent(Instant.parse("2026-03-01T00:00:00Z").plusSeconds(i), "req-" + i,
        Optional.ofNullable(customer), Optional.ofNullable(customer).map(c -> "key_" + c), "stats.summary", "GET",
        "/v1/stats/summary", "203.0.113.9", 200, "admitted", 120, 26,
        i % 3 == 0 ? Map.of("note", "line\nbreak \"quoted\" é \u2028") : Map.of());
  }

  private static List<String> export(List<AuditEvent> events) {
    return events.stream().map(AuditEvent::json).toList();
  }

  private static Optional<String> verify(List<String> lines) throws Exception {
    return AuditVerifier.verify(new BufferedReader(new StringReader(String.join("\n", lines))));
  }

  @Test
  void eventsLinkPerTenantFromTheGenesisAndVerify() throws Exception {
    AuditChain chain = new AuditChain();
    List<AuditEvent> batch = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      batch.add(event(i % 3 == 2 ? null : i % 2 == 0 ? "acme" : "globex", i));
    }
    List<AuditEvent> linked = chain.link(batch);
    AuditEvent first = linked.get(0);
    assertThat(first.seq()).isEqualTo(1);
    assertThat(first.prevHash()).isEqualTo(AuditEvent.GENESIS).isEmpty(); // the standard: empty for the first
    // hex SHA-256 of the canonical JSON alone: nothing comes before the first event
    assertThat(first.hash()).isEqualTo(java.util.HexFormat.of().formatHex(java.security.MessageDigest
        .getInstance("SHA-256").digest(CanonicalJson.of(first.fields()).getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    AuditEvent secondAcme = linked.stream().filter(e -> e.chain().equals("acme")).skip(1).findFirst().orElseThrow();
    assertThat(secondAcme.seq()).isEqualTo(2);
    assertThat(secondAcme.prevHash()).isEqualTo(first.hash());
    assertThat(verify(export(linked))).isEmpty();
    List<String> shuffled = new ArrayList<>(export(linked));
    Collections.shuffle(shuffled, new java.util.Random(7));
    assertThat(verify(shuffled)).isEmpty(); // the order of lines is not the order of the chain: seq is
  }

  /** Items that are unchained events, chained as the audit thread makes them. */
  private static final dev.monetize.audit.internal.EventBuilder AS_MADE = dev.monetize.audit.internal.EventBuilder.EVENTS;

  @Test
  void aChainBegunWithTheLegacyGenesisStillVerifiesAndNoOtherStartDoes() throws Exception {
    List<AuditEvent> legacy = new ArrayList<>();
    String prev = "0".repeat(64); // what earlier builds put before the first event
    for (int i = 0; i < 3; i++) {
      AuditEvent e = event("acme", i).chained("2026-03-01T00:00:00Z", i + 1, prev);
      legacy.add(e);
      prev = e.hash();
    }
    assertThat(verify(export(legacy))).isEmpty();
    AuditEvent forged = event("acme", 0).chained("2026-03-01T00:00:00Z", 1, "f".repeat(64));
    assertThat(verify(export(List.of(forged)))).hasValueSatisfying(p -> assertThat(p)
        .contains("seq 1").contains("the first event of a chain has an empty prev_hash"));
  }

  @Test
  void eventsChainedAsTheyAreMadeKeepTheirLinkAndARefusedBatchLeavesNoGap() throws Exception {
    AuditChain chain = new AuditChain();
    List<AuditEvent> delivered = new ArrayList<>();
    AuditSink refusing = batch -> {
      throw new java.io.IOException("down");
    };
    AuditSink taking = delivered::addAll;
    List<AuditEvent> first = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      first.add(chain.build(event("acme", i), AS_MADE));
    }
    assertThat(first).extracting(AuditEvent::seq).containsExactly(1L, 2L, 3L);
    assertThat(first.get(1).prevHash()).isEqualTo(first.get(0).hash());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> chain.deliver(first, refusing))
        .isInstanceOf(java.io.IOException.class);
    // the refused batch comes back (as a spill replays it) behind a new event made after the refusal
    AuditEvent madeAfter = chain.build(event("acme", 3), AS_MADE);
    assertThat(madeAfter.seq()).as("the chain did not move: the refused batch never arrived").isEqualTo(1);
    AuditEvent forged = new AuditEvent(event("acme", 4).time(), "req-forged", Optional.of("acme"),
        Optional.of("key_acme"), "stats.summary", "GET", "/v1/stats/summary", "203.0.113.9", 200, "admitted", 1, 1,
        Map.of(), 0, 5, "forged-prev", "forged-hash", "forged-segment", "", Map.of(), "");
    List<AuditEvent> again = new ArrayList<>(first);
    again.add(madeAfter);
    again.add(forged);
    chain.deliver(again, taking);
    assertThat(delivered).extracting(AuditEvent::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(delivered.get(0)).isEqualTo(first.get(0)); // the same link, so the same event
    assertThat(delivered.get(4).hash()).isNotEqualTo("forged-hash")
        .isEqualTo(AuditEvent.hashOf(delivered.get(3).hash(), delivered.get(4).fields()));
    assertThat(verify(export(delivered))).isEmpty();
    // made and delivered in one go, the events are kept as made
    AuditEvent next = chain.build(event("acme", 6), AS_MADE);
    chain.deliver(List.of(next), taking);
    assertThat(delivered.get(5)).isSameAs(next);
    assertThat(next.seq()).isEqualTo(6);
    assertThat(verify(export(delivered))).isEmpty();
    // an event handed in with exactly the link expected but a hash of its own is not trusted: hashed again
    AuditEvent posing = new AuditEvent(event("acme", 7).time(), "req-posing", Optional.of("acme"),
        Optional.of("key_acme"), "stats.summary", "GET", "/v1/stats/summary", "203.0.113.9", 200, "admitted", 1, 1,
        Map.of(), 0, 7, next.hash(), "f".repeat(64), next.segment(), "", Map.of(), "");
    chain.deliver(List.of(posing), taking);
    assertThat(delivered.get(6).hash()).isNotEqualTo("f".repeat(64));
    assertThat(verify(export(delivered))).isEmpty();
  }

  @Test
  void eventsMadeHereAreKeptAsMadeAroundEventsHandedInWholeAndEventsLeftOut() throws Exception {
    AuditChain chain = new AuditChain();
    List<AuditEvent> delivered = new ArrayList<>();
    AuditEvent a1 = chain.build(event("acme", 1), AS_MADE);
    AuditEvent g1 = chain.build(event("globex", 2), AS_MADE);
    AuditEvent leftOut = chain.build(event("initech", 3), AS_MADE); // made, then not delivered (as a tallied refusal)
    AuditEvent a2 = chain.build(event("acme", 4), AS_MADE);
    AuditEvent whole = event("globex", 5); // handed in as an event (a management call): chained at delivery
    AuditEvent g2 = chain.build(event("globex", 6), AS_MADE); // made after g1: its link expects g1 before it
    chain.deliver(List.of(a1, g1, a2, whole, g2), delivered::addAll);
    assertThat(delivered.get(0)).isSameAs(a1);
    assertThat(delivered.get(1)).isSameAs(g1);
    assertThat(delivered.get(2)).as("found past the event left out").isSameAs(a2);
    assertThat(delivered.get(3).seq()).isEqualTo(2);
    assertThat(delivered.get(4)).as("the event handed in took its place: chained again").isNotSameAs(g2);
    assertThat(delivered.get(4).seq()).isEqualTo(3);
    assertThat(delivered.get(4).prevHash()).isEqualTo(delivered.get(3).hash());
    assertThat(verify(export(delivered))).isEmpty();
    assertThat(leftOut.seq()).isEqualTo(1);
    // the next batch: an event made and delivered at once is kept, one made before the last delivery is not trusted
    AuditEvent a3 = chain.build(event("acme", 7), AS_MADE);
    AuditEvent stale = new AuditEvent(a3.time(), "req-stale", a3.customerId(), a3.keyId(), a3.operationId(),
        a3.method(), a3.path(), a3.remoteAddress(), a3.status(), a3.decision(), a3.durationMicros(), a3.bytesOut(),
        a3.details(), a3.bytesIn(), a3.seq(), a3.prevHash(), a3.hash(), a3.segment(), a3.pathTemplate(), a3.query(),
        a3.userAgent()); // the same link and hash, but not the event made here: its hash is not trusted
    chain.deliver(List.of(stale, a3), delivered::addAll);
    assertThat(delivered.get(5)).isNotSameAs(stale);
    assertThat(delivered.get(5).hash()).isNotEqualTo(a3.hash()); // another request id: another hash
    assertThat(delivered.get(6)).isNotSameAs(a3).extracting(AuditEvent::seq).isEqualTo(4L);
    assertThat(verify(export(delivered))).isEmpty();
  }

  @Test
  void aChangedRemovedReorderedOrInsertedEventIsFoundAndNamed() throws Exception {
    List<AuditEvent> linked = new AuditChain().link(List.of(event("acme", 1), event("acme", 2), event("acme", 3),
        event("acme", 4)));
    List<String> lines = export(linked);
    List<String> changed = new ArrayList<>(lines);
    changed.set(1, changed.get(1).replace("\"status\":200", "\"status\":500"));
    assertThat(verify(changed)).contains("chain acme (run 2026-03-01T00:00:01Z), seq 2 (line 2): its hash does not match its content (changed)");
    List<String> removed = new ArrayList<>(lines);
    removed.remove(2);
    assertThat(verify(removed)).contains("chain acme (run 2026-03-01T00:00:01Z), seq 4 (line 3): follows seq 2 (an event is missing or inserted)");
    List<String> reordered = new ArrayList<>(lines); // two events trade places in the chain
    reordered.set(1, lines.get(2).replace("\"seq\":3", "\"seq\":2"));
    reordered.set(2, lines.get(1).replace("\"seq\":2", "\"seq\":3"));
    assertThat(verify(reordered)).hasValueSatisfying(p -> assertThat(p).startsWith("chain acme (run").contains("seq 2"));
    List<String> inserted = new ArrayList<>(lines);
    AuditEvent forged = event("acme", 9).chained(linked.get(0).segment(), 2, linked.get(0).hash()); // a valid-looking second event
    inserted.add(2, forged.json());
    assertThat(verify(inserted)).hasValueSatisfying(p -> assertThat(p).contains("chain acme"));
    assertThat(verify(List.of("not json"))).contains("line 1: not a JSON object");
    List<String> segmentChanged = new ArrayList<>(lines); // moved to a run of its own: its hash says otherwise
    segmentChanged.set(3, lines.get(3).replace("\"segment\":\"2026-03-01T00:00:01Z\"", "\"segment\":\"x\""));
    assertThat(verify(segmentChanged)).hasValueSatisfying(p -> assertThat(p).contains("run x"));
  }

  @Test
  void sixteenThreadsDeliveringKeepEveryChainValid() throws Exception {
    AuditChain chain = new AuditChain();
    ConcurrentLinkedQueue<AuditEvent> delivered = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 16; t++) {
      int thread = t;
      Thread th = new Thread(() -> {
        for (int i = 0; i < 200; i++) {
          delivered.addAll(chain.link(List.of(event(thread % 2 == 0 ? "acme" : "globex", i))));
        }
      });
      th.start();
      threads.add(th);
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(delivered).hasSize(3200);
    assertThat(verify(export(new ArrayList<>(delivered)))).isEmpty();
  }

  @Test
  void canonicalJsonIsRfc8785() {
    assertThat(CanonicalJson.of(Map.of("b", 2, "a", List.of("x", true), "\u20ac", "\u0001", "c", Map.of())))
        .isEqualTo("{\"a\":[\"x\",true],\"b\":2,\"c\":{},\"\u20ac\":\"\\u0001\"}");
    assertThat(CanonicalJson.of("\ud800")).isEqualTo("\"\\ud800\""); // a lone surrogate is escaped
    assertThat(CanonicalJson.of("\ud83d\ude00")).isEqualTo("\"\ud83d\ude00\""); // a pair is not
  }
}
