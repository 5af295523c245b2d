package dev.monetize.keys;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Keys and projects: issue, find, list, rotate, revoke. A key issued here passes the same checks
 * as one issued through the management API: its customer must exist, its scopes must fit the plan
 * (or its project), reserved scopes are refused, and its limit overrides must name limits of the
 * plan.
 *
 * <pre>{@code
 * IssuedKey key = monetize.keys().issue(KeyRequest.of("acme", Set.of("stats:read")).limits(Map.of("daily", 500L)));
 * String secret = key.secret(); // shown once; only its hash is stored
 * }</pre>
 */
public interface KeyService {
  /** A key for an existing customer in this deployment's environment (secret shown once). */
  default IssuedKey issue(String customerId, Set<String> scopes) {
    return issue(KeyRequest.of(customerId, scopes));
  }

  /** A key that expires at {@code expiresAt}. */
  default IssuedKey issue(String customerId, Set<String> scopes, Optional<Instant> expiresAt) {
    return issue(KeyRequest.of(customerId, scopes).expiresAt(expiresAt));
  }

  /**
   * A key as described.
   *
   * @throws ScopeEscalationException when its scopes exceed its project's or plan's, or are reserved
   * @throws IllegalArgumentException when the customer or project does not exist, or a limit
   *     override names no limit of the plan or is below 1
   */
  IssuedKey issue(KeyRequest request);

  /**
   * A key holding the operator's reserved scope {@code monetize:admin} for the organization the
   * deployment's operators belong to: the only way, besides the operator's own key creation inside
   * its organization, that a reserved scope enters a key.
   */
  IssuedKey issueOperatorKey(String organizationId);

  /** The key of that public id. */
  Optional<ApiKey> find(String keyId);

  /** Keys of an organization (optionally one project), ordered by id, after {@code afterId}, at most {@code limit}. */
  List<ApiKey> list(String organizationId, Optional<String> projectId, Optional<String> afterId, int limit);

  /** Revokes a key; its later requests and tokens are refused with {@code key_revoked}. False when unknown. */
  boolean revoke(String keyId);

  /**
   * Gives a key a new secret (returned once); the old one keeps working for {@code overlap} (capped by
   * the configured maximum), then answers {@code key_rotated}. Empty when unknown or revoked.
   */
  Optional<IssuedKey> rotate(String keyId, Duration overlap);

  /** The longest overlap a rotation may grant. */
  Duration maxRotationOverlap();

  /** A project of an organization; its scopes (default: the plan's) must fit the plan. */
  Project createProject(String organizationId, String name, Set<String> scopes);

  /** The project of that id. */
  Optional<Project> project(String projectId);
}
