package dev.monetize.keys;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a new key should be: owner, optional project, scopes, expiry and per-key limits.
 *
 * <pre>{@code
 * monetize.keys().issue(KeyRequest.of("acme", Set.of("stats:read")).project("prj_1").limit("daily", 500));
 * }</pre>
 *
 * @param customerId the organization
 * @param projectId the project, if any
 * @param scopes the key's scopes
 * @param expiresAt when it stops working, if ever
 * @param limitOverrides per-key limits by policy name
 */
public record KeyRequest(String customerId, Optional<String> projectId, Set<String> scopes,
    Optional<Instant> expiresAt, Map<String, Long> limitOverrides) {
  /** Validates and copies. */
  public KeyRequest {
    Objects.requireNonNull(customerId, "customerId");
    Objects.requireNonNull(projectId, "projectId");
    scopes = Set.copyOf(scopes);
    Objects.requireNonNull(expiresAt, "expiresAt");
    limitOverrides = Map.copyOf(limitOverrides);
  }

  /** A key of {@code customerId} with {@code scopes}, no project, expiry or overrides. */
  public static KeyRequest of(String customerId, Set<String> scopes) {
    return new KeyRequest(customerId, Optional.empty(), scopes, Optional.empty(), Map.of());
  }

  /** In project {@code id}. */
  public KeyRequest project(String id) {
    return new KeyRequest(customerId, Optional.of(id), scopes, expiresAt, limitOverrides);
  }

  /** Expiring at {@code at}, if present. */
  public KeyRequest expiresAt(Optional<Instant> at) {
    return new KeyRequest(customerId, projectId, scopes, at, limitOverrides);
  }

  /** With the key's own limit for policy {@code name}. */
  public KeyRequest limit(String name, long value) {
    Map<String, Long> m = new java.util.HashMap<>(limitOverrides);
    m.put(name, value);
    return new KeyRequest(customerId, projectId, scopes, expiresAt, m);
  }

  /** With these per-key limits. */
  public KeyRequest limits(Map<String, Long> overrides) {
    return new KeyRequest(customerId, projectId, scopes, expiresAt, overrides);
  }
}
