package dev.monetize.audit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.audit.AuditEvent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Refusals counted per minute: a known key's first ten are written on their own and the rest counted;
 * known keys' groups are bounded apart from the anonymous ones, so one tenant's many keys crowd out
 * neither another tenant's grouping nor the addresses of callers never identified.
 */
class RefusalTallyTest {
  private static final long MINUTE = Math.floorDiv(Instant.parse("2026-12-01T10:00:00Z").getEpochSecond(), 60);

  private static boolean known(RefusalTally t, String customer, String key) {
    return t.addKnown(MINUTE, customer, key, "203.0.113.9", "summary", "rate_limited", 429, "r", "GET", "/v1/s");
  }

  @Test
  void aKnownKeysFirstTenAreWrittenAndTheRestCountedAtTheMinutesEnd() {
    RefusalTally t = new RefusalTally();
    for (int i = 0; i < 25; i++) {
      assertThat(known(t, "acme", "key_1")).as("refusal %d counted", i + 1).isEqualTo(i >= RefusalTally.FIRST_EACH);
    }
    assertThat(t.drain(Instant.ofEpochSecond(MINUTE * 60 + 62), false)).as("within the grace").isEmpty();
    List<AuditEvent> out = t.drain(Instant.ofEpochSecond(MINUTE * 60 + 66), false);
    assertThat(out).singleElement().satisfies(e -> {
      assertThat(e.details()).containsEntry("count", "15").containsEntry("aggregated", "minute");
      assertThat(e.customerId()).contains("acme");
      assertThat(e.time()).isEqualTo(Instant.ofEpochSecond(MINUTE * 60 + 59, 999_000_000));
    });
  }

  @Test
  void oneTenantsManyKeysCrowdOutNeitherAnotherTenantNorTheAnonymousGroups() {
    RefusalTally t = new RefusalTally();
    for (int k = 0; k < RefusalTally.MAX_GROUPS; k++) {
      known(t, "acme", "key_" + k);
    }
    for (int i = 0; i < 30; i++) {
      known(t, "acme", "key_new");
    }
    for (int i = 0; i < 30; i++) {
      assertThat(known(t, "globex", "key_g")).isEqualTo(i >= RefusalTally.FIRST_EACH);
    }
    t.add(MINUTE, "198.51.100.7", "summary", "key_invalid", 401, "r", "GET", "/v1/s");
    List<AuditEvent> out = t.drain(Instant.ofEpochSecond(MINUTE * 60 + 66), false);
    assertThat(out).filteredOn(e -> e.customerId().isEmpty()).singleElement()
        .satisfies(e -> assertThat(e.remoteAddress()).isEqualTo("198.51.100.7"));
    // past the bound, new keys are counted under their customer: each tenant still has its counter
    for (String customer : new String[] {"acme", "globex"}) {
      assertThat(out).filteredOn(e -> e.customerId().orElse("").equals(customer) && e.keyId().orElse("").equals("*"))
          .singleElement().satisfies(e -> assertThat(e.details()).containsEntry("count", "20"));
    }
  }

  /** The minute before, still waiting out its grace, does not count against this minute's bound. */
  @Test
  void aMinutesBoundIsItsOwn() {
    RefusalTally t = new RefusalTally();
    for (int i = 0; i < RefusalTally.MAX_GROUPS; i++) {
      t.add(MINUTE, "10.0." + (i / 256) + "." + (i % 256), "summary", "key_invalid", 401, "r", "GET", "/v1/s");
    }
    t.add(MINUTE + 1, "198.51.100.7", "summary", "key_invalid", 401, "r", "GET", "/v1/s");
    assertThat(t.drain(Instant.ofEpochSecond((MINUTE + 1) * 60 + 2), true)).filteredOn(e -> e.time()
        .equals(Instant.ofEpochSecond((MINUTE + 1) * 60))).singleElement()
        .satisfies(e -> assertThat(e.remoteAddress()).isEqualTo("198.51.100.7"));
  }

  /**
   * Refusals counted while their groups are being written are never lost: each is written on its own,
   * or in one of the counted events, exactly once.
   */
  @Test
  void knownRefusalsRacingTheDrainAreAllWrittenOnce() throws Exception {
    RefusalTally t = new RefusalTally();
    java.util.concurrent.atomic.AtomicLong alone = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicLong counted = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    int perThread = 200_000;
    Thread drainer = new Thread(() -> {
      while (!stop.get()) {
        for (AuditEvent e : t.drain(Instant.EPOCH, true)) {
          counted.addAndGet(Long.parseLong(e.details().get("count")));
        }
      }
    });
    drainer.start();
    dev.monetize.testing.Concurrently.run(4, i -> {
      for (int n = 0; n < perThread; n++) {
        if (!known(t, "acme", "key_1")) {
          alone.incrementAndGet();
        }
      }
    });
    stop.set(true);
    drainer.join();
    for (AuditEvent e : t.drain(Instant.EPOCH, true)) {
      counted.addAndGet(Long.parseLong(e.details().get("count")));
    }
    assertThat(alone.get() + counted.get()).isEqualTo(4L * perThread);
  }
}
