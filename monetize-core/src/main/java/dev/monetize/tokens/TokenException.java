package dev.monetize.tokens;

import dev.monetize.errors.ErrorCode;

/**
 * A token was refused: {@link ErrorCode#TOKEN_INVALID} or {@link ErrorCode#TOKEN_EXPIRED}, with a
 * message safe to show the caller (it never contains the token).
 */
public final class TokenException extends Exception {
  private static final long serialVersionUID = 1L;
  private final ErrorCode code;

  /** A refusal with its code and a caller-safe message. */
  public TokenException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  /** {@code token_invalid} or {@code token_expired}. */
  public ErrorCode code() {
    return code;
  }
}
