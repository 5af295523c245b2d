package dev.monetize.docs;

import dev.monetize.keys.ApiKey;
import dev.monetize.keys.KeyStore;
import dev.monetize.keys.Project;
import java.util.List;
import java.util.Optional;

/**
 * The store of docs/testkit.md: "your own" key store, here over a stand-in database (the in-memory
 * store), so that the snippet's test runs the whole contract.
 */
final class MyKeyStore implements KeyStore {
  private final KeyStore rows;

  MyKeyStore(MyDatabase db) {
    this.rows = db.keys;
  }

  @Override
  public Optional<ApiKey> findByHash(String secretHash) {
    return rows.findByHash(secretHash);
  }

  @Override
  public Optional<ApiKey> findById(String id) {
    return rows.findById(id);
  }

  @Override
  public void save(ApiKey key) {
    rows.save(key);
  }

  @Override
  public List<ApiKey> list(String organizationId, Optional<String> projectId, Optional<String> afterId, int limit) {
    return rows.list(organizationId, projectId, afterId, limit);
  }

  @Override
  public void saveProject(Project project) {
    rows.saveProject(project);
  }

  @Override
  public Optional<Project> findProject(String id) {
    return rows.findProject(id);
  }

  @Override
  public long countProjects(String organizationId) {
    return rows.countProjects(organizationId);
  }
}
