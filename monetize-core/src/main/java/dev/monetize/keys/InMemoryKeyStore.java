package dev.monetize.keys;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** The in-memory {@link KeyStore}. */
final class InMemoryKeyStore implements KeyStore {
  private final ConcurrentHashMap<String, ApiKey> byHash = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ApiKey> byId = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ConcurrentSkipListMap<String, ApiKey>> byOrganization =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Project> projects = new ConcurrentHashMap<>();

  @Override
  public Optional<ApiKey> findByHash(String secretHash) {
    return Optional.ofNullable(byHash.get(secretHash));
  }

  @Override
  public Optional<ApiKey> findById(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  @Override
  public void save(ApiKey key) {
    byId.compute(key.id(), (id, previous) -> stored(key, previous));
  }

  /** Atomic: the key's entry is locked while it is compared and replaced. */
  @Override
  public boolean replace(ApiKey expected, ApiKey updated) {
    if (!expected.id().equals(updated.id())) {
      throw new IllegalArgumentException("a key is replaced by a version of itself, not by key " + updated.id());
    }
    boolean[] replaced = {false};
    byId.computeIfPresent(expected.id(), (id, previous) -> {
      if (previous.status() != expected.status() || !previous.secretHash().equals(expected.secretHash())) {
        return previous;
      }
      replaced[0] = true;
      return stored(updated, previous);
    });
    return replaced[0];
  }

  /** Indexes {@code key} in place of {@code previous} (null: none); called while its id's entry is locked. */
  private ApiKey stored(ApiKey key, ApiKey previous) {
    if (previous != null) {
      byHash.remove(previous.secretHash(), previous);
      previous.previousSecretHash().ifPresent(h -> byHash.remove(h, previous));
    }
    byHash.put(key.secretHash(), key);
    key.previousSecretHash().ifPresent(h -> byHash.put(h, key));
    byOrganization.computeIfAbsent(key.customerId(), o -> new ConcurrentSkipListMap<>()).put(key.id(), key);
    return key;
  }

  @Override
  public List<ApiKey> list(String organizationId, Optional<String> projectId, Optional<String> afterId, int limit) {
    ConcurrentSkipListMap<String, ApiKey> all = byOrganization.get(organizationId);
    if (all == null) {
      return List.of();
    }
    var view = afterId.isPresent() ? all.tailMap(afterId.get(), false) : all;
    return view.values().stream()
        .filter(k -> projectId.isEmpty() || projectId.equals(k.projectId()))
        .limit(Math.max(0, limit))
        .toList();
  }

  @Override
  public void saveProject(Project project) {
    projects.put(project.id(), project);
  }

  @Override
  public Optional<Project> findProject(String id) {
    return Optional.ofNullable(projects.get(id));
  }

  @Override
  public long countProjects(String organizationId) {
    return projects.values().stream().filter(p -> p.organizationId().equals(organizationId)).count();
  }
}
