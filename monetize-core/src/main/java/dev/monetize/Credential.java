package dev.monetize;

import java.util.Objects;
import java.util.Optional;

/**
 * How a principal proved who it is: with an API key, or with a short-lived token minted from one.
 * Recorded wherever the credential came from ({@code Authorization: Bearer} or {@code X-API-Key}),
 * so that rules such as "tokens cannot create keys" hold in every header.
 *
 * <pre>{@code
 * Credential c = principal.credential();
 * if (c.kind() == Credential.Kind.TOKEN) { ... c.tokenId().orElseThrow() ... }
 * }</pre>
 *
 * @param kind key or token
 * @param keyId the public id of the key (for a token, the key it was minted from)
 * @param tokenId the token's {@code jti}, for a token
 * @param previousSecret whether the key's previous secret was presented (during a rotation's
 *     overlap): tokens minted with it die when the overlap ends
 */
public record Credential(Kind kind, String keyId, Optional<String> tokenId, boolean previousSecret) {
  /** What was presented. */
  public enum Kind {
    /** A long-lived API key. */
    KEY,
    /** A short-lived signed token (JWT) minted from a key. */
    TOKEN
  }

  /** Validates: a token has an id, a key has none. */
  public Credential {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(tokenId, "tokenId");
    if ((kind == Kind.TOKEN) != tokenId.isPresent()) {
      throw new IllegalArgumentException("a token credential has a token id, a key credential none");
    }
  }

  /** The key {@code keyId} itself, with its current secret. */
  public static Credential key(String keyId) {
    return new Credential(Kind.KEY, keyId, Optional.empty(), false);
  }

  /** The key {@code keyId} with its previous secret, inside a rotation's overlap. */
  public static Credential previousKeySecret(String keyId) {
    return new Credential(Kind.KEY, keyId, Optional.empty(), true);
  }

  /** Token {@code tokenId} minted from key {@code keyId}. */
  public static Credential token(String keyId, String tokenId) {
    return new Credential(Kind.TOKEN, keyId, Optional.of(tokenId), false);
  }

  /** Whether this is a token. */
  public boolean isToken() {
    return kind == Kind.TOKEN;
  }

  /** {@code key} or {@code token}, as audit events name it. */
  public String kindName() {
    return kind == Kind.KEY ? "key" : "token";
  }
}
