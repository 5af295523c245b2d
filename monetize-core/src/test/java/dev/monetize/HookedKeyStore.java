package dev.monetize;

import dev.monetize.keys.ApiKey;
import dev.monetize.keys.KeyStore;
import dev.monetize.keys.Project;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory key store that counts its lookups by hash, fails the next ones when told to, runs a
 * hook while the management API counts an organization's keys (between its checks and the issue) and
 * one after each lookup has read its record, and is watched as a shared store would be (the test tells
 * the changes): for tests of what happens there.
 */
final class HookedKeyStore implements KeyStore {
  private final KeyStore inner = KeyStore.inMemory();
  /** Lookups by hash so far. */
  final AtomicInteger lookups = new AtomicInteger();
  /** Runs on every {@link #countKeys}. */
  volatile Runnable duringCreation = () -> { };
  /** Lookups by hash still to fail, as a store that is briefly unreachable fails them. */
  final AtomicInteger failing = new AtomicInteger();
  /** Runs after every lookup (by hash or id) read its record, before it answers. */
  volatile Runnable afterRead = () -> { };
  /** What the engine's {@link #watch} listens with, for the test to tell changes. */
  volatile KeyStore.Changes changes;
  /** Whether the engine watches this store now. */
  volatile boolean watching;

  @Override
  public AutoCloseable watch(Changes changes) {
    this.changes = changes;
    watching = true;
    return () -> watching = false;
  }

  @Override
  public Optional<ApiKey> findByHash(String hash) {
    lookups.incrementAndGet();
    if (failing.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new IllegalStateException("the key store is unreachable for a moment");
    }
    Optional<ApiKey> found = inner.findByHash(hash);
    afterRead.run();
    return found;
  }

  @Override
  public Optional<ApiKey> findById(String id) {
    Optional<ApiKey> found = inner.findById(id);
    afterRead.run();
    return found;
  }

  @Override
  public void save(ApiKey key) {
    inner.save(key);
  }

  @Override
  public List<ApiKey> list(String organizationId, Optional<String> projectId, Optional<String> afterId, int limit) {
    return inner.list(organizationId, projectId, afterId, limit);
  }

  @Override
  public void saveProject(Project project) {
    inner.saveProject(project);
  }

  @Override
  public Optional<Project> findProject(String id) {
    return inner.findProject(id);
  }

  @Override
  public long countKeys(String organizationId) {
    duringCreation.run();
    return inner.countKeys(organizationId);
  }

  @Override
  public long countProjects(String organizationId) {
    return inner.countProjects(organizationId);
  }
}
