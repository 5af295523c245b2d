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
    byId.compute(key.id(), (id, previous) -> {
      if (previous != null) {
        byHash.remove(previous.secretHash(), previous);
        previous.previousSecretHash().ifPresent(h -> byHash.remove(h, previous));
      }
      byHash.put(key.secretHash(), key);
      key.previousSecretHash().ifPresent(h -> byHash.put(h, key));
      byOrganization.computeIfAbsent(key.customerId(), o -> new ConcurrentSkipListMap<>()).put(key.id(), key);
      return key;
    });
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
