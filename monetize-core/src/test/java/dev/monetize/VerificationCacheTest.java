package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.errors.ErrorCode;
import dev.monetize.keys.ApiKey;
import dev.monetize.keys.IssuedKey;
import dev.monetize.keys.KeyStatus;
import dev.monetize.keys.KeyStore;
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
 * The request path finds a verified key by its digest and reuses what it built for it: every
 * change made through this engine shows at once, a change made behind its back (another JVM on
 * the same store) within the verification TTL, and never later.
 */
class VerificationCacheTest {
  private final ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-12-02T10:00:00Z"));
  private final KeyStore store = KeyStore.inMemory();
  private final Operation stats = Operation.builder("stats", "GET", "/stats").scope("stats:read").build();
  private final Operation export = Operation.builder("export", "GET", "/export").scope("export:read").build();
  private final Monetize monetize = Monetize.builder()
      .catalog(Catalog.builder()
          .plan(Plan.builder("free").rank(0).rate(Rate.perSecond(1000).withBurst(1000)).quota(Quota.daily(10)).scopes("*").build())
          .plan(Plan.builder("pro").rank(1).rate(Rate.perSecond(1000).withBurst(1000)).quota(Quota.daily(1000)).scopes("*").build())
          .operation(stats).operation(export).build())
      .timeSource(time).keyStore(store).keyCacheTtl(Duration.ofSeconds(30)).auditSink(batch -> { }).build();

  @AfterEach
  void close() {
    monetize.close();
  }

  private Decision admit(Operation op, String secret) {
    Admission a = monetize.admit(op, ApiRequest.of("GET", op.pathTemplate(), "10.0.0.1", "r", "Bearer " + secret, null));
    a.complete(200, 0);
    return a.decision();
  }

  @Test
  void changesThroughTheEngineShowAtOnce() {
    monetize.customers().save(Customer.of("acme", "free"));
    IssuedKey key = monetize.keys().issue("acme", Set.of("stats:read", "export:read"));
    assertThat(admit(stats, key.secret()).admitted()).isTrue();
    assertThat(admit(export, key.secret()).admitted()).isTrue();
    assertThat(admit(stats, key.secret()).principal().orElseThrow().plan().name()).isEqualTo("free");

    monetize.customers().save(Customer.of("acme", "pro")); // a plan change: the next call has the new plan
    assertThat(admit(stats, key.secret()).principal().orElseThrow().plan().name()).isEqualTo("pro");

    monetize.keys().revoke(key.key().id());
    assertThat(admit(stats, key.secret()).error()).contains(ErrorCode.KEY_REVOKED);
  }

  @Test
  void aChangeBehindTheEnginesBackShowsWithinTheTtl() {
    monetize.customers().save(Customer.of("acme", "pro"));
    IssuedKey key = monetize.keys().issue("acme", Set.of("stats:read"));
    assertThat(admit(stats, key.secret()).admitted()).isTrue();
    ApiKey stored = store.findById(key.key().id()).orElseThrow();
    store.save(stored.withStatus(KeyStatus.REVOKED)); // another JVM revokes it in the shared store

    time.advance(Duration.ofSeconds(29));
    assertThat(admit(stats, key.secret()).admitted()).as("within the documented bound").isTrue();
    time.advance(Duration.ofSeconds(1));
    assertThat(admit(stats, key.secret()).error()).contains(ErrorCode.KEY_REVOKED);
  }

  @Test
  void aRotatedOutSecretIsNotFoundByItsOldDigest() {
    monetize.customers().save(Customer.of("acme", "pro"));
    IssuedKey key = monetize.keys().issue("acme", Set.of("stats:read"));
    assertThat(admit(stats, key.secret()).admitted()).isTrue();
    IssuedKey rotated = monetize.keys().rotate(key.key().id(), Duration.ZERO).orElseThrow();
    assertThat(admit(stats, rotated.secret()).admitted()).isTrue();
    assertThat(admit(stats, key.secret()).admitted()).isFalse();
  }
}
