package dev.monetize;

import dev.monetize.errors.ErrorCode;
import dev.monetize.limits.PolicyState;
import dev.monetize.plans.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of admitting one request: everything an adapter needs to answer it, as one value.
 *
 * @param admitted whether the endpoint may run
 * @param error the refusal code, when refused
 * @param detail what happened, for a human (empty when admitted)
 * @param hint how to fix it, when more specific than the code's generic hint
 * @param principal the caller, once identified
 * @param operation the operation requested
 * @param policies the state of every limit checked (empty if the request never got that far)
 * @param retryAfterSeconds when refused for a limit, the seconds to wait; otherwise 0
 * @param overage whether a quota is exceeded and the plan bills the overage (usage is marked)
 * @param degraded whether a quota is exceeded and the plan degrades: the endpoint should answer
 *     with cheaper data (cached, sampled)
 */
public record Decision(
    boolean admitted,
    Optional<ErrorCode> error,
    String detail,
    Optional<String> hint,
    Optional<Principal> principal,
    Operation operation,
    List<PolicyState> policies,
    long retryAfterSeconds,
    boolean overage,
    boolean degraded) {

  /** Validates and copies. */
  public Decision {
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(hint, "hint");
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(operation, "operation");
    policies = dev.monetize.limits.internal.PackedPolicies.copyOf(policies); // packed states are immutable
    if (admitted == error.isPresent()) {
      throw new IllegalArgumentException("a decision is admitted exactly when it has no error");
    }
  }

  static Decision admit(Principal principal, Operation operation, List<PolicyState> policies, boolean overage,
      boolean degraded) {
    return new Decision(true, Optional.empty(), "", Optional.empty(), Optional.of(principal), operation, policies, 0,
        overage, degraded);
  }

  /** {@link #admit(Principal, Operation, List, boolean, boolean)} with the principal already wrapped. */
  static Decision admit(Optional<Principal> principal, Operation operation, List<PolicyState> policies,
      boolean overage, boolean degraded) {
    return new Decision(true, Optional.empty(), "", Optional.empty(), principal, operation, policies, 0, overage,
        degraded);
  }

  static Decision refuse(ErrorCode code, String detail, Optional<Principal> principal, Operation operation) {
    return new Decision(false, Optional.of(code), detail, Optional.empty(), principal, operation, List.of(), 0,
        false, false);
  }

  static Decision refuseWithHint(ErrorCode code, String detail, String hint, Optional<Principal> principal,
      Operation operation) {
    return new Decision(false, Optional.of(code), detail, Optional.of(hint), principal, operation, List.of(), 0,
        false, false);
  }

  /** A refusal of no identified caller that says when to retry ({@code Retry-After}). */
  static Decision refuseWithRetry(ErrorCode code, String detail, Operation operation, long retryAfterSeconds) {
    return new Decision(false, Optional.of(code), detail, Optional.of(code.hint()), Optional.empty(), operation,
        List.of(), retryAfterSeconds, false, false);
  }

  /** A refusal of the client address by the shield, before any credential was looked at. */
  static Decision refuseAddress(ErrorCode code, String detail, Operation operation, long retryAfterSeconds) {
    return refuseWithRetry(code, detail, operation, retryAfterSeconds);
  }

  static Decision refuseLimit(ErrorCode code, String detail, String hint, Principal principal,
      Operation operation, List<PolicyState> policies, long retryAfterSeconds) {
    return new Decision(false, Optional.of(code), detail, Optional.of(hint), Optional.of(principal), operation,
        policies, retryAfterSeconds, false, false);
  }

  /** The HTTP status: 200 when admitted (the endpoint decides), else the error's status. */
  public int status() {
    return error.map(ErrorCode::status).orElse(200);
  }

  /** Names of the policies that refused the request. */
  public List<String> violatedPolicies() {
    List<String> names = new ArrayList<>();
    for (PolicyState p : policies) {
      if (p.violated()) {
        names.add(p.name());
      }
    }
    return names;
  }
}
