package dev.monetize.management;

import dev.monetize.keys.ApiKey;
import java.util.Objects;

/**
 * What a management operation acts on, as the handler found it in the stores: nothing beyond the
 * caller itself, an organization, a key, or something that does not exist. {@link Authority}
 * decides on it; a handler never decides by itself.
 */
public sealed interface Target {
  /** The caller's own organization (usage, invoices, tokens of its own key). */
  static Target self() {
    return Self.INSTANCE;
  }

  /** An existing organization. */
  static Target organization(String organizationId) {
    return new Organization(organizationId);
  }

  /** An existing project of organization {@code organizationId}. */
  static Target project(String projectId, String organizationId) {
    return new Project(projectId, organizationId);
  }

  /** An existing key. */
  static Target key(ApiKey key) {
    return new Key(key);
  }

  /** A {@code kind} of that id that does not exist (answered like another tenant's: 404). */
  static Target missing(String kind, String id) {
    return new Missing(kind, id);
  }

  /** The caller itself. */
  enum Self implements Target {
    /** The only instance. */
    INSTANCE
  }

  /**
   * An organization.
   *
   * @param id its id
   */
  record Organization(String id) implements Target {
    /** Validates. */
    public Organization {
      Objects.requireNonNull(id, "id");
    }
  }

  /**
   * A project: owned like its organization, but named as a project when refused.
   *
   * @param id the project's id
   * @param organizationId its organization
   */
  record Project(String id, String organizationId) implements Target {
    /** Validates. */
    public Project {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(organizationId, "organizationId");
    }
  }

  /**
   * A key.
   *
   * @param key the key as stored
   */
  record Key(ApiKey key) implements Target {
    /** Validates. */
    public Key {
      Objects.requireNonNull(key, "key");
    }
  }

  /**
   * Nothing of that id.
   *
   * @param kind what was looked for ({@code organization}, {@code project}, {@code key}, ...)
   * @param id the id asked for
   */
  record Missing(String kind, String id) implements Target {
    /** Validates. */
    public Missing {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(id, "id");
    }
  }
}
