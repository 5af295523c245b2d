package dev.monetize.keys;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * A group of keys inside an organization (for example one per application or team). Its scopes
 * are at most its organization's; its keys' scopes are at most its own.
 *
 * @param id project id
 * @param organizationId the owning organization (customer id)
 * @param name display name
 * @param scopes the most its keys may hold
 * @param createdAt creation time
 */
public record Project(String id, String organizationId, String name, Set<String> scopes, Instant createdAt) {
  /** Validates. */
  public Project {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(organizationId, "organizationId");
    Objects.requireNonNull(name, "name");
    scopes = Set.copyOf(scopes);
    Objects.requireNonNull(createdAt, "createdAt");
    if (name.isBlank() || name.length() > 200) {
      throw new IllegalArgumentException("project name must be 1-200 characters");
    }
  }
}
