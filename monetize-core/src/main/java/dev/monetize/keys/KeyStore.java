package dev.monetize.keys;

import java.util.List;
import java.util.Optional;

/**
 * Stores API keys (by hash, never the secret) and the projects that group them. Implementations:
 * {@link #inMemory()} and the PostgreSQL store of {@code monetize-postgres}; both pass the shared
 * {@code KeyStoreContract} tests.
 */
public interface KeyStore {
  /** The key whose current or previous (rotated) secret has this hash. */
  Optional<ApiKey> findByHash(String secretHash);

  /** The key of that public id. */
  Optional<ApiKey> findById(String id);

  /** Inserts or replaces a key (by id); its current and previous hashes become findable. */
  void save(ApiKey key);

  /**
   * Replaces {@code expected} by {@code updated} (the same id) only if the stored key is still
   * {@code expected}: its status and secret hash unchanged, so no revocation or rotation came in
   * between; whether it did. What the engine revokes and rotates with, reading again when it lost a
   * race: a revocation always lands, and a rotation racing it never brings the key back. The default
   * reads, compares and saves under a lock of the key's id that every store of this JVM shares: atomic
   * against the other replacements made in this process, not against other processes. A store shared
   * by several processes must override it with one conditional write (the testkit's
   * {@code KeyStoreContract} checks the replacements of one process).
   */
  default boolean replace(ApiKey expected, ApiKey updated) {
    if (!expected.id().equals(updated.id())) {
      throw new IllegalArgumentException("a key is replaced by a version of itself, not by key " + updated.id());
    }
    synchronized (ReplaceLocks.of(expected.id())) {
      Optional<ApiKey> now = findById(expected.id());
      if (now.isEmpty() || now.get().status() != expected.status()
          || !now.get().secretHash().equals(expected.secretHash())) {
        return false;
      }
      save(updated);
      return true;
    }
  }

  /**
   * Keys of one organization, optionally one project, ordered by id, starting after
   * {@code afterId}, at most {@code limit}.
   */
  List<ApiKey> list(String organizationId, Optional<String> projectId, Optional<String> afterId, int limit);

  /** Inserts or replaces a project. */
  void saveProject(Project project);

  /** The project of that id. */
  Optional<Project> findProject(String id);

  /**
   * How many keys of the organization are not revoked (the management API caps it). The default
   * pages through {@link #list}; stores with a query language count in one statement.
   */
  default long countKeys(String organizationId) {
    long n = 0;
    Optional<String> after = Optional.empty();
    while (true) {
      List<ApiKey> page = list(organizationId, Optional.empty(), after, 500);
      for (ApiKey k : page) {
        if (k.status() != KeyStatus.REVOKED) {
          n++;
        }
      }
      if (page.size() < 500) {
        return n;
      }
      after = Optional.of(page.get(page.size() - 1).id());
    }
  }

  /** How many projects the organization has (the management API caps it). */
  long countProjects(String organizationId);

  /**
   * Saves the new {@code project} unless its organization holds {@code max} projects already; whether
   * it did. What the management API creates projects with, so that creations racing each other never
   * take an organization past its cap. The default counts and saves under a lock of the organization
   * that every store of this JVM shares: exact within this process. A store shared by several
   * processes overrides it with a count and an insert under one lock of the store (PostgreSQL: a lock
   * of the organization held by the transaction).
   */
  default boolean saveProjectWithin(Project project, long max) {
    return ReplaceLocks.within(project.organizationId(), () -> countProjects(project.organizationId()) < max,
        () -> saveProject(project));
  }

  /**
   * Saves the new {@code key} unless its organization holds {@code max} keys that are not revoked
   * already; whether it did. As {@link #saveProjectWithin}, for keys.
   */
  default boolean saveWithin(ApiKey key, long max) {
    return ReplaceLocks.within(key.customerId(), () -> countKeys(key.customerId()) < max, () -> save(key));
  }

  /**
   * Tells {@code changes} of every key changed by another process (revoked, rotated, its limits
   * edited, deleted) as soon as the store learns of it, so that the engine drops what it cached of
   * the key at once rather than when its key cache TTL ends ({@code MonetizeBuilder.keyCacheTtl}). A
   * store shared by several processes implements it when it can (PostgreSQL: {@code LISTEN/NOTIFY});
   * the default tells nothing, and changes made elsewhere show within the TTL. Changes made through
   * this very engine need no telling.
   *
   * @return what stops watching (the engine closes it when it closes)
   */
  default AutoCloseable watch(Changes changes) {
    return () -> { };
  }

  /**
   * What {@link #watch} tells, on the store's own thread. A watch calls {@link #mayHaveMissedChanges()}
   * each time it starts listening (the first time too: keys may have been cached before it listened),
   * and tells each change after that; the engine's answer to a call is one pass over its key cache.
   */
  interface Changes {
    /** The key of this id changed: anything cached of it is stale. */
    void changed(String keyId);

    /**
     * Changes may have been missed (the store's connection dropped and came back): anything cached of
     * any key may be stale.
     */
    void mayHaveMissedChanges();
  }

  /** A new in-memory store. */
  static KeyStore inMemory() {
    return new InMemoryKeyStore();
  }
}
