package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.errors.ErrorCode;
import dev.monetize.keys.ApiKey;
import dev.monetize.keys.IssuedKey;
import dev.monetize.keys.KeyStatus;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A key store that watches other processes' changes ({@link KeyStore#watch}) ends what the engine
 * cached of a changed key at once, long before the key cache's TTL; and the engine stops watching
 * when it closes.
 */
class KeyChangesTest {
  private final ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-12-06T10:00:00Z"));
  private final HookedKeyStore store = new HookedKeyStore();
  private final Operation stats = Operation.builder("stats", "GET", "/stats").scope("stats:read").build();
  private final Monetize monetize = Monetize.builder()
      .catalog(Catalog.builder()
          .plan(Plan.builder("pro").rate(Rate.perSecond(1000).withBurst(1000)).quota(Quota.daily(1000)).scopes("*").build())
          .operation(stats).build())
      .timeSource(time).keyStore(store).keyCacheTtl(Duration.ofMinutes(10)).auditSink(batch -> { }).build();

  @AfterEach
  void close() {
    monetize.close();
  }

  private Decision admit(String secret) {
    Admission a = monetize.admit(stats, ApiRequest.of("GET", "/stats", "10.0.0.1", "r", "Bearer " + secret, null));
    a.complete(200, 0);
    return a.decision();
  }

  /**
   * Two keys, each verified once (cached for ten minutes), then revoked by another process in the
   * shared store: this engine's cache does not know.
   */
  private IssuedKey[] twoKeysCachedThenRevokedElsewhere() {
    monetize.customers().save(Customer.of("acme", "pro"));
    IssuedKey[] keys = {monetize.keys().issue("acme", Set.of("stats:read")),
        monetize.keys().issue("acme", Set.of("stats:read"))};
    for (IssuedKey k : keys) {
      assertThat(admit(k.secret()).admitted()).isTrue();
    }
    for (IssuedKey k : keys) {
      ApiKey stored = store.findById(k.key().id()).orElseThrow();
      store.save(stored.withStatus(KeyStatus.REVOKED));
    }
    return keys;
  }

  @Test
  void aKeyTheStoreSaysChangedIsLookedUpAgainAtOnceAndOnlyThatKey() {
    IssuedKey[] keys = twoKeysCachedThenRevokedElsewhere();
    IssuedKey key = keys[0];
    IssuedKey other = keys[1];
    assertThat(admit(key.secret()).admitted()).as("cached, and nobody said").isTrue();

    store.changes.changed(key.key().id());
    assertThat(admit(key.secret()).error()).contains(ErrorCode.KEY_REVOKED);
    assertThat(admit(other.secret()).admitted()).as("no word of this one: still cached").isTrue();
  }

  @Test
  void changesThatMayHaveBeenMissedForgetEveryKey() {
    IssuedKey[] keys = twoKeysCachedThenRevokedElsewhere();
    IssuedKey key = keys[0];
    IssuedKey other = keys[1];

    store.changes.mayHaveMissedChanges();
    assertThat(admit(key.secret()).error()).contains(ErrorCode.KEY_REVOKED);
    assertThat(admit(other.secret()).error()).contains(ErrorCode.KEY_REVOKED);
  }

  @Test
  void theEngineStopsWatchingWhenItCloses() {
    assertThat(store.watching).isTrue();
    monetize.close();
    assertThat(store.watching).isFalse();
  }
}
