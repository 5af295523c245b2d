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
 * @param issuedAt {@code iat}
 * @param tokenId {@code jti}, the token's own id (named in audit events)
 * @param keyVersion {@code kv}: which secret of the key minted it, so that tokens of a rotated-out
 *     secret die with it; empty for tokens minted without one
 */
public record TokenClaims(String keyId, String customerId, Set<String> scopes, Instant expiresAt, Instant issuedAt,
    String tokenId, java.util.Optional<String> keyVersion) {
  /** Validates. */
  public TokenClaims {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(customerId, "customerId");
    scopes = Set.copyOf(scopes);
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(tokenId, "tokenId");
    Objects.requireNonNull(keyVersion, "keyVersion");
  }
}
