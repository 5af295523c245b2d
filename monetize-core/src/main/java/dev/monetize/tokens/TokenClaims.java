package dev.monetize.tokens;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * What a verified token says: which key minted it, for which organization, with which scopes.
 *
 * @param keyId the public id of the key that minted the token ({@code sub})
 * @param customerId the organization ({@code org})
 * @param scopes the token's scopes, a subset of the key's ({@code scope})
 * @param expiresAt {@code exp}
 */
public record TokenClaims(String keyId, String customerId, Set<String> scopes, Instant expiresAt) {
  /** Validates. */
  public TokenClaims {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(customerId, "customerId");
    scopes = Set.copyOf(scopes);
    Objects.requireNonNull(expiresAt, "expiresAt");
  }
}
