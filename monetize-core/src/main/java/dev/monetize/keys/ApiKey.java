package dev.monetize.keys;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What is stored about an API key: its public id, owner, scopes and lifecycle, and the hash of its
 * secret. The secret itself is never stored; it exists only in {@link IssuedKey} at creation.
 *
 * @param id public key id, safe for logs, audit and headers (e.g. {@code key_4Fh2...})
 * @param customerId the customer (tenant) the key belongs to
 * @param secretHash hash of the secret, see {@link ApiKeys#hash(String)}
 * @param scopes scopes granted to the key (wildcards allowed)
 * @param environment the environment of the key
 * @param status lifecycle state
 * @param createdAt when the key was created
 * @param expiresAt when the key stops working, if ever
 */
public record ApiKey(
    String id,
    String customerId,
    String secretHash,
    Set<String> scopes,
    KeyEnvironment environment,
    KeyStatus status,
    Instant createdAt,
    Optional<Instant> expiresAt) {

  /** Validates and copies. */
  public ApiKey {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(customerId, "customerId");
    Objects.requireNonNull(secretHash, "secretHash");
    scopes = Set.copyOf(scopes);
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /** A copy in another state. */
  public ApiKey withStatus(KeyStatus newStatus) {
    return new ApiKey(id, customerId, secretHash, scopes, environment, newStatus, createdAt, expiresAt);
  }

  /** Whether the key has expired at {@code now}. */
  public boolean expiredAt(Instant now) {
    return expiresAt.isPresent() && !now.isBefore(expiresAt.get());
  }

  /** Never prints the hash. */
  @Override
  public String toString() {
    return "ApiKey[id=" + id + ", customerId=" + customerId + ", scopes=" + scopes
        + ", environment=" + environment + ", status=" + status + "]";
  }
}
