package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.errors.ErrorCode;
import dev.monetize.keys.ApiKey;
import dev.monetize.keys.IssuedKey;
import dev.monetize.keys.KeyStatus;
import dev.monetize.keys.KeyStore;
import dev.monetize.keys.Project;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
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
  private final WatchedStore store = new WatchedStore(KeyStore.inMemory());
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

  /** Another process revokes the key in the shared store: this engine's cache does not know. */
  private void revokedElsewhere(IssuedKey key) {
    ApiKey stored = store.findById(key.key().id()).orElseThrow();
    store.save(stored.withStatus(KeyStatus.REVOKED));
  }

  @Test
  void aKeyTheStoreSaysChangedIsLookedUpAgainAtOnceAndOnlyThatKey() {
    monetize.customers().save(Customer.of("acme", "pro"));
    IssuedKey key = monetize.keys().issue("acme", Set.of("stats:read"));
    IssuedKey other = monetize.keys().issue("acme", Set.of("stats:read"));
    assertThat(admit(key.secret()).admitted()).isTrue();
    assertThat(admit(other.secret()).admitted()).isTrue();
    revokedElsewhere(key);
    revokedElsewhere(other);
    assertThat(admit(key.secret()).admitted()).as("cached, and nobody said").isTrue();

    store.changes.changed(key.key().id());
    assertThat(admit(key.secret()).error()).contains(ErrorCode.KEY_REVOKED);
    assertThat(admit(other.secret()).admitted()).as("no word of this one: still cached").isTrue();
  }

  @Test
  void changesThatMayHaveBeenMissedForgetEveryKey() {
    monetize.customers().save(Customer.of("acme", "pro"));
    IssuedKey key = monetize.keys().issue("acme", Set.of("stats:read"));
    IssuedKey other = monetize.keys().issue("acme", Set.of("stats:read"));
    assertThat(admit(key.secret()).admitted()).isTrue();
    assertThat(admit(other.secret()).admitted()).isTrue();
    revokedElsewhere(key);
    revokedElsewhere(other);

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

  /** The in-memory store, watched as a shared store would be: the test tells the changes. */
  private static final class WatchedStore implements KeyStore {
    private final KeyStore delegate;
    KeyStore.Changes changes;
    volatile boolean watching;

    WatchedStore(KeyStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public AutoCloseable watch(Changes changes) {
      this.changes = changes;
      watching = true;
      return () -> watching = false;
    }

    @Override
    public Optional<ApiKey> findByHash(String secretHash) {
      return delegate.findByHash(secretHash);
    }

    @Override
    public Optional<ApiKey> findById(String id) {
      return delegate.findById(id);
    }

    @Override
    public void save(ApiKey key) {
      delegate.save(key);
    }

    @Override
    public List<ApiKey> list(String organizationId, Optional<String> projectId, Optional<String> afterId, int limit) {
      return delegate.list(organizationId, projectId, afterId, limit);
    }

    @Override
    public void saveProject(Project project) {
      delegate.saveProject(project);
    }

    @Override
    public Optional<Project> findProject(String id) {
      return delegate.findProject(id);
    }

    @Override
    public long countProjects(String organizationId) {
      return delegate.countProjects(organizationId);
    }
  }
}
