package dev.monetize.keys;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A stored API key: never the secret, only its hash. {@link #toString()} leaves the hashes out so
 * that a key can be logged safely.
 *
 * @param id public key id, named in logs, audit events, usage and the management API
 * @param customerId the organization (paying customer) that owns the key
 * @param projectId the project inside the organization, if any
 * @param secretHash hash of the current secret (see {@link SecretHasher})
 * @param scopes what the key may do (wildcards allowed: {@code stats:*}, {@code *})
 * @param environment live or test
 * @param status active or revoked
 * @param createdAt creation time
 * @param expiresAt when the key stops working, if ever
 * @param previousSecretHash after a rotation, the hash of the secret it replaced
 * @param previousValidUntil until when that previous secret still works (the overlap)
 * @param limitOverrides per-key limits by policy name ({@code rate} = requests per rate period,
 *     or a quota name): a restriction counted on the key besides its organization's limit, or, when
 *     named in {@code raisedLimits}, the key's own limit in place of its organization's
 * @param raisedLimits the overrides that were above the plan when the key was issued (only the
 *     operator may issue such a key): they replace the organization's limit for this key while they
 *     are above the plan of the day; a restriction never becomes one, whatever the plan later
 */
public record ApiKey(
    String id,
    String customerId,
    Optional<String> projectId,
    String secretHash,
    Set<String> scopes,
    KeyEnvironment environment,
    KeyStatus status,
    Instant createdAt,
    Optional<Instant> expiresAt,
    Optional<String> previousSecretHash,
    Optional<Instant> previousValidUntil,
    Map<String, Long> limitOverrides,
    Set<String> raisedLimits) {

  /** Validates and copies. */
  public ApiKey {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(customerId, "customerId");
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(secretHash, "secretHash");
    scopes = Set.copyOf(scopes);
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(previousSecretHash, "previousSecretHash");
    Objects.requireNonNull(previousValidUntil, "previousValidUntil");
    limitOverrides = Map.copyOf(limitOverrides);
    if (previousSecretHash.isPresent() != previousValidUntil.isPresent()) {
      throw new IllegalArgumentException("a previous secret needs its end of validity, and the reverse");
    }
    limitOverrides.forEach((k, v) -> {
      if (v < 1) {
        throw new IllegalArgumentException("limit override '" + k + "' must be at least 1, got " + v);
      }
    });
    raisedLimits = Set.copyOf(raisedLimits);
    for (String name : raisedLimits) {
      if (!limitOverrides.containsKey(name)) {
        throw new IllegalArgumentException("raised limit '" + name + "' is not one of the key's limit overrides "
            + limitOverrides.keySet());
      }
    }
  }

  /** A key whose overrides are all restrictions (none raised above the plan). */
  public ApiKey(String id, String customerId, Optional<String> projectId, String secretHash, Set<String> scopes,
      KeyEnvironment environment, KeyStatus status, Instant createdAt, Optional<Instant> expiresAt,
      Optional<String> previousSecretHash, Optional<Instant> previousValidUntil, Map<String, Long> limitOverrides) {
    this(id, customerId, projectId, secretHash, scopes, environment, status, createdAt, expiresAt, previousSecretHash,
        previousValidUntil, limitOverrides, Set.of());
  }

  /** An active key of an organization without project, rotation or overrides. */
  public ApiKey(String id, String customerId, String secretHash, Set<String> scopes, KeyEnvironment environment,
      KeyStatus status, Instant createdAt, Optional<Instant> expiresAt) {
    this(id, customerId, Optional.empty(), secretHash, scopes, environment, status, createdAt, expiresAt,
        Optional.empty(), Optional.empty(), Map.of(), Set.of());
  }

  /** The same key with another status. */
  public ApiKey withStatus(KeyStatus newStatus) {
    return new ApiKey(id, customerId, projectId, secretHash, scopes, environment, newStatus, createdAt, expiresAt,
        previousSecretHash, previousValidUntil, limitOverrides, raisedLimits);
  }

  /** The same key with a new secret; the old one keeps working until {@code oldValidUntil}. */
  public ApiKey rotated(String newSecretHash, Instant oldValidUntil) {
    return new ApiKey(id, customerId, projectId, newSecretHash, scopes, environment, status, createdAt, expiresAt,
        Optional.of(secretHash), Optional.of(oldValidUntil), limitOverrides, raisedLimits);
  }

  /** Whether the key has expired at {@code now}. */
  public boolean expiredAt(Instant now) {
    return expiresAt.isPresent() && !now.isBefore(expiresAt.get());
  }

  /** Never prints the hashes. */
  @Override
  public String toString() {
    return "ApiKey[id=" + id + ", customerId=" + customerId + ", projectId=" + projectId.orElse("-")
        + ", scopes=" + scopes + ", environment=" + environment + ", status=" + status + "]";
  }
}
