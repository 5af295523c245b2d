package dev.monetize.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.ApiRequest;
import dev.monetize.Monetize;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.RepeatedTest;

/**
 * A revocation that races a rotation of the same key always lands (OWASP API2): the rotation read
 * the key before the revocation stored it and saved its new secret after, so the key came back
 * active and the rotated secret called the API, while the revocation had answered that it worked.
 */
class RevokeRacingRotateTest {
  private static final Operation STATS = Operation.builder("stats", "GET", "/stats").scope("stats:read").build();
  private final Catalog catalog = Catalog.builder()
      .plan(Plan.builder("pro").rank(1).rate(Rate.perSecond(1_000)).quota(Quota.daily(1_000_000)).scopes("stats:*").build())
      .operation(STATS).build();

  @RepeatedTest(5)
  void aRevocationRacingRotationsAlwaysLands() throws Exception {
    try (Monetize m = Monetize.builder().catalog(catalog).build()) {
      m.customers().save(Customer.of("acme", "pro"));
      for (int round = 0; round < 100; round++) {
        IssuedKey key = m.keys().issue("acme", Set.of("stats:read"));
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(3);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        java.util.concurrent.Future<Boolean> revoked = pool.submit(() -> {
          together.await();
          return m.keys().revoke(key.key().id());
        });
        List<java.util.concurrent.Future<Optional<IssuedKey>>> rotations = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
          rotations.add(pool.submit(() -> {
            together.await();
            return m.keys().rotate(key.key().id(), Duration.ofHours(1));
          }));
        }
        pool.shutdown();
        assertThat(revoked.get()).isTrue();
        assertThat(m.keys().find(key.key().id()).orElseThrow().status()).as("round " + round).isEqualTo(KeyStatus.REVOKED);
        for (java.util.concurrent.Future<Optional<IssuedKey>> f : rotations) {
          Optional<IssuedKey> r = f.get();
          r.ifPresent(rotated -> assertThat(m.admit(STATS, ApiRequest.of("GET", "/stats", "10.0.0.1", "r", null,
              rotated.secret())).admitted()).as("a rotated secret of a revoked key").isFalse());
        }
        assertThat(m.admit(STATS, ApiRequest.of("GET", "/stats", "10.0.0.1", "r", null, key.secret())).admitted())
            .isFalse();
      }
    }
  }
}
