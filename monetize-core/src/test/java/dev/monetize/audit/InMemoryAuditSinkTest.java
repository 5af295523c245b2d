package dev.monetize.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The in-memory trail is shared fairly: an organization that floods it pushes out its own past,
 * never another's, and the trail never holds more than its capacity.
 */
class InMemoryAuditSinkTest {
  private static AuditEvent event(String customer, int i) {
    return new AuditEvent(Instant.EPOCH.plusSeconds(i), "r" + i, customer.isEmpty() ? Optional.empty()
        : Optional.of(customer), Optional.empty(), "summary", "GET", "/v1/summary", "203.0.113.9", 429,
        "rate_limited", 10, 0);
  }

  private static List<AuditEvent> all(InMemoryAuditSink sink, String customer) {
    List<AuditEvent> out = new ArrayList<>();
    AuditStore.Query q = AuditStore.Query.of(Optional.of(customer)).limit(7);
    while (true) {
      AuditStore.Page p = sink.find(q);
      out.addAll(p.events());
      if (p.nextCursor().isEmpty()) {
        return out;
      }
      q = q.after(p.nextCursor());
    }
  }

  @Test
  void aFloodPushesOutOnlyItsOwnPast() {
    InMemoryAuditSink sink = new InMemoryAuditSink(100);
    List<AuditEvent> quiet = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      quiet.add(event("acme", i));
    }
    sink.accept(quiet);
    for (int i = 0; i < 5_000; i++) {
      sink.accept(List.of(event("mallory", 100 + i)));
    }
    assertThat(all(sink, "acme")).containsExactlyElementsOf(quiet);
    List<AuditEvent> flood = all(sink, "mallory");
    assertThat(flood).hasSize(90).last().extracting(AuditEvent::requestId).isEqualTo("r5099"); // its latest
    assertThat(sink.events()).hasSize(100);
  }

  /** Newcomers under their share take room from whoever holds the most, not from the oldest events of all. */
  @Test
  void newcomersTakeRoomFromTheOrganizationHoldingTheMost() {
    InMemoryAuditSink sink = new InMemoryAuditSink(100);
    List<AuditEvent> quiet = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      quiet.add(event("acme", i));
    }
    sink.accept(quiet);
    for (int i = 0; i < 1_000; i++) {
      sink.accept(List.of(event("mallory", 100 + i)));
    }
    for (int n = 0; n < 10; n++) {
      sink.accept(List.of(event("newcomer" + n, 2_000 + n)));
    }
    assertThat(all(sink, "acme")).containsExactlyElementsOf(quiet);
    assertThat(all(sink, "mallory")).hasSize(80);
    assertThat(all(sink, "newcomer9")).hasSize(1);
    assertThat(sink.events()).hasSize(100);
  }

  /** When every organization holds as little, the oldest event goes, never the one just kept. */
  @Test
  void amongEqualsTheOldestEventGoes() {
    InMemoryAuditSink sink = new InMemoryAuditSink(3);
    sink.accept(List.of(event("a", 1), event("b", 2), event("c", 3)));
    sink.accept(List.of(event("d", 4)));
    assertThat(sink.events()).extracting(AuditEvent::requestId).containsExactly("r2", "r3", "r4");
  }

  @Test
  void oneOrganizationAloneHasTheWholeRoom() {
    InMemoryAuditSink sink = new InMemoryAuditSink(50);
    for (int i = 0; i < 120; i++) {
      sink.accept(List.of(event("acme", i)));
    }
    assertThat(all(sink, "acme")).extracting(AuditEvent::requestId).hasSize(50).first().isEqualTo("r70");
  }

  /** Whatever the mix, the trail holds at most its capacity, each organization's newest events, oldest first. */
  @Property(tries = 200)
  void theTrailIsBoundedAndEachOrganizationKeepsItsNewest(@ForAll @Size(max = 400) List<@IntRange(min = 0, max = 4)
      Integer> who, @ForAll @IntRange(min = 1, max = 40) int capacity) {
    InMemoryAuditSink sink = new InMemoryAuditSink(capacity);
    String[] names = {"", "a", "b", "c", "d"};
    java.util.Map<String, List<AuditEvent>> sent = new java.util.HashMap<>();
    for (int i = 0; i < who.size(); i++) {
      AuditEvent e = event(names[who.get(i)], i);
      sent.computeIfAbsent(names[who.get(i)], k -> new ArrayList<>()).add(e);
      sink.accept(List.of(e));
    }
    List<AuditEvent> kept = sink.events();
    assertThat(kept.size()).isLessThanOrEqualTo(capacity).isEqualTo(Math.min(capacity, who.size()));
    assertThat(kept).isSortedAccordingTo(java.util.Comparator.comparing(AuditEvent::time));
    sent.forEach((name, events) -> {
      List<AuditEvent> own = kept.stream().filter(e -> e.customerId().orElse("").equals(name)).toList();
      assertThat(own).isEqualTo(events.subList(events.size() - own.size(), events.size())); // a suffix: the newest
    });
  }
}
