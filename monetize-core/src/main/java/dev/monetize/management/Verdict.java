package dev.monetize.management;

import dev.monetize.errors.ErrorCode;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link Authority} answers: allowed, or refused with an error code ({@code 403} codes, or
 * {@code not_found} for what the caller may not know exists) and a caller-safe detail.
 *
 * @param refusal the error code, empty when allowed
 * @param detail for a human; empty string when allowed
 */
public record Verdict(Optional<ErrorCode> refusal, String detail) {
  private static final Verdict ALLOW = new Verdict(Optional.empty(), "");

  /** Validates. */
  public Verdict {
    Objects.requireNonNull(refusal, "refusal");
    Objects.requireNonNull(detail, "detail");
  }

  /** Allowed. */
  public static Verdict allow() {
    return ALLOW;
  }

  /** Refused with {@code code}. */
  public static Verdict refuse(ErrorCode code, String detail) {
    return new Verdict(Optional.of(code), detail);
  }

  /** Whether the operation may go ahead. */
  public boolean allowed() {
    return refusal.isEmpty();
  }
}
