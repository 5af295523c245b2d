package dev.monetize;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How a principal proved who it is: with its API key, or with a short-lived token minted from it
 * (the key is {@link Principal#keyId()} either way). Recorded wherever the credential came from
 * ({@code Authorization: Bearer} or {@code X-API-Key}), so that rules such as "tokens cannot create
 * keys" hold in every header.
 *
 * <pre>{@code
 * Credential c = principal.credential();
 * if (c.isToken()) { ... c.tokenId().orElseThrow() ... }
 * }</pre>
 *
 * @param kind key, token, or the operator credential
 * @param tokenId the token's {@code jti}, for a token
 * @param previousSecret whether the key's previous secret was presented (during a rotation's
 *     overlap): it still calls the API but cannot manage keys or mint tokens
 * @param expiresAt until when this credential works, if it ends at all (the key's expiry; for a
 *     previous secret also the end of the overlap; for a token also its {@code exp}): nothing it
 *     creates or takes over may outlive it
 */
public record Credential(Kind kind, Optional<String> tokenId, boolean previousSecret, Optional<Instant> expiresAt) {
  private static final Credential KEY = new Credential(Kind.KEY, Optional.empty(), false, Optional.empty());
  private static final Credential OPERATOR = new Credential(Kind.OPERATOR, Optional.empty(), false, Optional.empty());

  /** What was presented. */
  public enum Kind {
    /** A long-lived API key. */
    KEY,
    /** A short-lived signed token (JWT) minted from a key. */
    TOKEN,
    /**
     * The deployment's operator credential ({@code MonetizeBuilder.operatorKey}): not a customer, no
     * plan, limits or usage; the management API only.
     */
    OPERATOR
  }

  /** Validates: a token has an id, a key has none; only a key has a previous secret. */
  public Credential {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(tokenId, "tokenId");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if ((kind == Kind.TOKEN) != tokenId.isPresent() || (kind == Kind.TOKEN && previousSecret)) {
      throw new IllegalArgumentException("a token credential has a token id, a key credential none");
    }
  }

  /** A key that never expires, with its current secret (one shared instance: nothing allocated per request). */
  public static Credential key() {
    return KEY;
  }

  /** A key with its current secret, expiring at {@code expiresAt} if at all. */
  public static Credential key(Optional<Instant> expiresAt) {
    return expiresAt.isEmpty() ? KEY : new Credential(Kind.KEY, Optional.empty(), false, expiresAt);
  }

  /** A key's previous secret inside a rotation's overlap, which works until {@code until}. */
  public static Credential previousKeySecret(Instant until) {
    return new Credential(Kind.KEY, Optional.empty(), true, Optional.of(until));
  }

  /** Token {@code tokenId} minted from the principal's key, working until {@code until}. */
  public static Credential token(String tokenId, Instant until) {
    return new Credential(Kind.TOKEN, Optional.of(tokenId), false, Optional.of(until));
  }

  /** The operator credential (one shared instance). */
  public static Credential operator() {
    return OPERATOR;
  }

  /** Whether this is the operator credential, which is no customer's. */
  public boolean isOperator() {
    return kind == Kind.OPERATOR;
  }

  /** Whether this is a token. */
  public boolean isToken() {
    return kind == Kind.TOKEN;
  }

  /** {@code key}, {@code token} or {@code operator}, as audit events name it. */
  public String kindName() {
    return switch (kind) {
      case KEY -> "key";
      case TOKEN -> "token";
      case OPERATOR -> "operator";
    };
  }
}
