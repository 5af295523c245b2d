package dev.monetize.testkit;

import dev.monetize.keys.ApiKey;
import dev.monetize.keys.KeyEnvironment;
import dev.monetize.keys.KeyStatus;
import dev.monetize.keys.KeyStore;
import dev.monetize.keys.Project;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link KeyStore} must do. Extend it with a store factory (and, for shared stores, a
 * second independent instance on the same backend, as another JVM would have).
 */
public abstract class KeyStoreContract {
  /** For the implementation's test class. */
  protected KeyStoreContract() {}

  protected static final Instant CREATED = Instant.parse("2026-11-24T10:00:00Z");

  /** The store under test; called once per test. */
  protected abstract KeyStore store();

  /** Another client of the same backend; by default the same instance. */
  protected KeyStore secondClientOfSameBackend(KeyStore first) {
    return first;
  }

  protected static String unique(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
  }

  protected static ApiKey key(String org, Optional<String> project) {
    return new ApiKey(unique("key"), org, project, unique("hash"), Set.of("stats:read", "events:*"),
        KeyEnvironment.TEST, KeyStatus.ACTIVE, CREATED, Optional.of(CREATED.plus(30, ChronoUnit.DAYS)),
        Optional.empty(), Optional.empty(), Map.of("daily", 100L, "rate", 5_000L), Set.of("rate"));
  }

  @Test
  void aSavedKeyIsFoundByHashAndIdWithEveryField() {
    KeyStore s = store();
    ApiKey k = key(unique("org"), Optional.of(unique("prj")));
    s.save(k);
    assertThat(s.findByHash(k.secretHash())).contains(k);
    assertThat(s.findById(k.id())).contains(k);
    assertThat(s.findByHash(unique("hash"))).isEmpty();
    assertThat(s.findById(unique("key"))).isEmpty();
  }

  /**
   * A store that watches ({@link KeyStore#watch} overridden) tells the change of a key made through
   * another client of the same backend, after it said once that changes may have been missed (when
   * it started listening). Skipped for stores that do not watch, or have no second client.
   */
  @Test
  void aStoreThatWatchesTellsAChangeMadeThroughAnotherClient() throws Exception {
    KeyStore s = store();
    org.junit.jupiter.api.Assumptions.assumeTrue(
        s.getClass().getMethod("watch", KeyStore.Changes.class).getDeclaringClass() != KeyStore.class,
        "the store does not watch: changes made elsewhere show within the engine's key cache TTL");
    KeyStore other = secondClientOfSameBackend(s);
    org.junit.jupiter.api.Assumptions.assumeTrue(other != s, "no second client of the backend");
    ApiKey k = key(unique("org"), Optional.empty());
    s.save(k);
    java.util.concurrent.CountDownLatch told = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch listening = new java.util.concurrent.CountDownLatch(1);
    AutoCloseable watch = s.watch(new KeyStore.Changes() {
      @Override
      public void changed(String keyId) {
        if (keyId.equals(k.id())) {
          told.countDown();
        }
      }

      @Override
      public void mayHaveMissedChanges() {
        listening.countDown();
      }
    });
    try {
      assertThat(listening.await(10, java.util.concurrent.TimeUnit.SECONDS))
          .as("a watch says changes may have been missed before it listened").isTrue();
      other.save(k.withStatus(KeyStatus.REVOKED));
      assertThat(told.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("told within 10 s").isTrue();
    } finally {
      watch.close();
    }
  }

  @Test
  void revocationIsVisibleToEveryClient() {
    KeyStore s = store();
    KeyStore other = secondClientOfSameBackend(s);
    ApiKey k = key(unique("org"), Optional.empty());
    s.save(k);
    assertThat(other.findByHash(k.secretHash()).orElseThrow().status()).isEqualTo(KeyStatus.ACTIVE);
    s.save(k.withStatus(KeyStatus.REVOKED));
    assertThat(other.findByHash(k.secretHash()).orElseThrow().status()).isEqualTo(KeyStatus.REVOKED);
    assertThat(other.findById(k.id()).orElseThrow().status()).isEqualTo(KeyStatus.REVOKED);
  }

  /**
   * {@link KeyStore#replace} is a compare-and-set: it replaces the version read, and nothing once
   * another client revoked or rotated the key in between; a key unknown or revoked stays as it is.
   */
  @Test
  void aReplacementLandsOnlyOnTheVersionItWasMadeFrom() {
    KeyStore s = store();
    KeyStore other = secondClientOfSameBackend(s);
    ApiKey k = key(unique("org"), Optional.empty());
    s.save(k);
    ApiKey rotated = k.rotated(unique("hash"), CREATED.plusSeconds(3600));
    assertThat(s.replace(k, rotated)).isTrue();
    assertThat(other.findById(k.id())).contains(rotated);
    assertThat(s.findByHash(rotated.secretHash())).contains(rotated);
    assertThat(other.replace(k, k.rotated(unique("hash"), CREATED.plusSeconds(60)))).as("made from a stale version")
        .isFalse();
    assertThat(other.replace(rotated, rotated.withStatus(KeyStatus.REVOKED))).isTrue();
    assertThat(s.replace(rotated, rotated.rotated(unique("hash"), CREATED.plusSeconds(60)))).as("over a revocation")
        .isFalse();
    assertThat(s.findById(k.id()).orElseThrow().status()).isEqualTo(KeyStatus.REVOKED);
    assertThat(s.findByHash(rotated.secretHash()).orElseThrow().status()).isEqualTo(KeyStatus.REVOKED);
    ApiKey unknown = key(unique("org"), Optional.empty());
    assertThat(s.replace(unknown, unknown.withStatus(KeyStatus.REVOKED))).isFalse();
    assertThat(s.findById(unknown.id())).isEmpty();
  }

  /** Of many replacements made from one version at once, exactly one lands. */
  @Test
  void ofConcurrentReplacementsOfOneVersionExactlyOneLands() throws Exception {
    KeyStore s = store();
    ApiKey k = key(unique("org"), Optional.empty());
    s.save(k);
    java.util.List<ApiKey> made = new java.util.ArrayList<>();
    for (int i = 0; i < 8; i++) {
      made.add(i % 2 == 0 ? k.rotated(unique("hash"), CREATED.plusSeconds(i)) : k.withStatus(KeyStatus.REVOKED));
    }
    java.util.List<Boolean> landed = Concurrently.call(8, t -> (t % 2 == 0 ? s : secondClientOfSameBackend(s))
        .replace(k, made.get(t)));
    assertThat(landed).containsOnlyOnce(true);
    assertThat(s.findById(k.id())).contains(made.get(landed.indexOf(true)));
  }

  @Test
  void aRotatedKeyIsFoundByBothSecretsAndTheOneBeforeIsForgotten() {
    KeyStore s = store();
    ApiKey k = key(unique("org"), Optional.empty());
    s.save(k);
    ApiKey once = k.rotated(unique("hash"), CREATED.plusSeconds(3600));
    s.save(once);
    assertThat(s.findByHash(once.secretHash())).contains(once);
    assertThat(s.findByHash(k.secretHash())).contains(once);
    ApiKey twice = once.rotated(unique("hash"), CREATED.plusSeconds(7200));
    s.save(twice);
    assertThat(s.findByHash(twice.secretHash())).contains(twice);
    assertThat(s.findByHash(once.secretHash())).contains(twice);
    assertThat(s.findByHash(k.secretHash())).as("two rotations ago").isEmpty();
  }

  @Test
  void listingPagesThroughOneOrganizationOnly() {
    KeyStore s = store();
    String org = unique("org");
    String project = unique("prj");
    List<ApiKey> mine = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ApiKey k = key(org, i < 2 ? Optional.of(project) : Optional.empty());
      s.save(k);
      mine.add(k);
    }
    s.save(key(unique("org"), Optional.of(project)));
    List<String> seen = new ArrayList<>();
    Optional<String> after = Optional.empty();
    while (true) {
      List<ApiKey> page = s.list(org, Optional.empty(), after, 2);
      if (page.isEmpty()) {
        break;
      }
      assertThat(page).hasSizeLessThanOrEqualTo(2).allSatisfy(k -> assertThat(k.customerId()).isEqualTo(org));
      page.forEach(k -> seen.add(k.id()));
      after = Optional.of(page.get(page.size() - 1).id());
    }
    assertThat(seen).isSorted().containsExactlyInAnyOrderElementsOf(mine.stream().map(ApiKey::id).toList());
    assertThat(s.list(org, Optional.of(project), Optional.empty(), 10)).hasSize(2);
    assertThat(s.list(unique("org"), Optional.empty(), Optional.empty(), 10)).isEmpty();
  }

  @Test
  void projectsAreSavedAndFound() {
    KeyStore s = store();
    Project p = new Project(unique("prj"), unique("org"), "dashboards", Set.of("stats:read"), CREATED);
    s.saveProject(p);
    assertThat(s.findProject(p.id())).contains(p);
    assertThat(s.findProject(unique("prj"))).isEmpty();
  }

  @Test
  void countsAreOfOneOrganizationAndLeaveRevokedKeysOut() {
    KeyStore s = store();
    String org = unique("org");
    ApiKey a = key(org, Optional.empty());
    ApiKey b = key(org, Optional.empty());
    s.save(a);
    s.save(b);
    s.save(key(unique("org"), Optional.empty()));
    s.save(b.withStatus(KeyStatus.REVOKED));
    assertThat(s.countKeys(org)).isEqualTo(1);
    assertThat(s.countProjects(org)).isZero();
    s.saveProject(new Project(unique("prj"), org, "one", Set.of("stats:read"), CREATED));
    s.saveProject(new Project(unique("prj"), org, "two", Set.of("stats:read"), CREATED));
    s.saveProject(new Project(unique("prj"), unique("org"), "elsewhere", Set.of("stats:read"), CREATED));
    assertThat(secondClientOfSameBackend(s).countProjects(org)).isEqualTo(2);
  }

  /**
   * Creations racing for an organization's last places, from two clients of the backend: no more keys
   * (not revoked) and projects than the cap are saved, and every place is taken.
   */
  @Test
  void capsHoldWhenCreationsRace() throws Exception {
    KeyStore s = store();
    KeyStore other = secondClientOfSameBackend(s);
    String org = unique("org");
    ApiKey revoked = key(org, Optional.empty());
    s.save(revoked);
    s.save(revoked.withStatus(KeyStatus.REVOKED)); // not counted
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      List<java.util.concurrent.Future<Boolean>> keys = new ArrayList<>();
      List<java.util.concurrent.Future<Boolean>> projects = new ArrayList<>();
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      for (int i = 0; i < 24; i++) {
        KeyStore client = i % 2 == 0 ? s : other;
        keys.add(pool.submit(() -> {
          go.await();
          return client.saveWithin(key(org, Optional.empty()), 5);
        }));
        projects.add(pool.submit(() -> {
          go.await();
          return client.saveProjectWithin(new Project(unique("prj"), org, "p", Set.of("stats:read"), CREATED), 7);
        }));
      }
      go.countDown();
      long keysMade = 0;
      long projectsMade = 0;
      for (int i = 0; i < keys.size(); i++) {
        keysMade += keys.get(i).get(60, java.util.concurrent.TimeUnit.SECONDS) ? 1 : 0;
        projectsMade += projects.get(i).get(60, java.util.concurrent.TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(keysMade).isEqualTo(5);
      assertThat(projectsMade).isEqualTo(7);
      assertThat(s.countKeys(org)).isEqualTo(5);
      assertThat(s.countProjects(org)).isEqualTo(7);
      assertThat(s.saveWithin(key(org, Optional.empty()), 5)).isFalse();
      assertThat(s.saveWithin(key(unique("org"), Optional.empty()), 5)).isTrue(); // another organization has room
    } finally {
      pool.shutdownNow();
    }
  }
}
