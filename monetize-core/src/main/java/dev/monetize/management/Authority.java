package dev.monetize.management;

import dev.monetize.Principal;
import dev.monetize.errors.ErrorCode;
import dev.monetize.keys.ApiKey;
import dev.monetize.plans.Scopes;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one place that decides who may do what on the management plane: {@code (principal,
 * operation, target) -> allow | 403 code | 404}, from the row of {@link ManagementOperation}.
 * Handlers find the target in the stores and ask; they never decide by themselves.
 *
 * <pre>{@code
 * Verdict v = Authority.decide(caller, ManagementOperation.KEY_ROTATE, Target.key(key));
 * if (!v.allowed()) { ... answer v.refusal().get() with v.detail() ... }
 * }</pre>
 *
 * <p>The order of the checks is part of the contract: a token on a key-only operation is refused
 * first; then an operator-only operation for anyone else ({@code 403}, before any target is looked
 * at, so it reveals nothing); then a target of another organization or one that does not exist
 * ({@code 404}, never {@code 403}, so ids of other tenants cannot be probed); then the scope
 * ({@code 403 scope_denied}); then, for an action on a key, whether the caller's scopes cover the
 * key's ({@code 403 scope_escalation}).
 */
public final class Authority {
  private static final String OPERATOR_SCOPE = Permission.OPERATOR.scope().orElseThrow();

  private Authority() {}

  /** Whether {@code principal} is the operator (holds {@code monetize:admin} literally). */
  public static boolean operator(Principal principal) {
    return principal.scopes().contains(OPERATOR_SCOPE);
  }

  /**
   * What of the decision does not depend on the target (nor on the body): a token or a rotated key's
   * old secret on an operation that needs the key itself, and an operator's operation by anyone else.
   * The management API asks it before a handler reads the body, so that nobody but the operator
   * learns how an operator's body is checked; {@link #decide} asks it first too.
   */
  public static Verdict beforeTarget(Principal principal, ManagementOperation operation) {
    Permission needed = operation.permission();
    if (needed == Permission.PUBLIC || needed == Permission.ANYONE) {
      return Verdict.allow();
    }
    if (operation.keyOnly() && principal.credential().isToken()) {
      return Verdict.refuse(ErrorCode.TOKEN_NOT_ALLOWED, "A token cannot " + action(operation) + "; use an API key.");
    }
    if (operation.keyOnly() && principal.credential().previousSecret()) {
      // a rotation is often a reaction to a leak: the old secret must not rotate back or mint lasting things
      return Verdict.refuse(ErrorCode.KEY_ROTATED, "Key " + principal.keyId() + " was rotated; its old secret "
          + "still calls the API during the overlap but cannot " + action(operation) + ". Use the new secret.");
    }
    if (needed == Permission.OPERATOR && !operator(principal)) {
      return Verdict.refuse(ErrorCode.SCOPE_DENIED, "Only the operator may " + action(operation) + " (scope '"
          + OPERATOR_SCOPE + "').");
    }
    return Verdict.allow();
  }

  /** What {@code operation} does, without what its summary adds after a semicolon: "issue a key". */
  private static String action(ManagementOperation operation) {
    String summary = operation.summary();
    int cut = summary.indexOf(';');
    return cut > 0 ? summary.substring(0, cut) : summary;
  }

  /** The decision for {@code principal} running {@code operation} on {@code target}. */
  public static Verdict decide(Principal principal, ManagementOperation operation, Target target) {
    Permission needed = operation.permission();
    if (needed == Permission.PUBLIC || needed == Permission.ANYONE) {
      return Verdict.allow();
    }
    Verdict first = beforeTarget(principal, operation);
    if (!first.allowed()) {
      return first;
    }
    boolean operator = operator(principal);
    if (target instanceof Target.Missing m) {
      return notFound(m.kind(), m.id());
    }
    // whose is the target: anything of another organization does not exist for this caller
    Owner owner = owner(target, principal);
    if (!operator && !owner.organization().equals(principal.customerId())) {
      return notFound(owner.kind(), owner.id());
    }
    ApiKey key = target instanceof Target.Key k ? k.key() : null;
    if (!ruleFits(operation.rule(), target)) {
      throw new IllegalArgumentException(operation + " acts on " + operation.rule() + ", not on " + target);
    }
    if (needed == Permission.KEYS_WRITE && !operator
        && !Scopes.grants(principal.scopes(), Permission.KEYS_WRITE.scope().orElseThrow())) {
      String action = action(operation);
      String who = principal.credential().kindName().equals("key") ? "key " + principal.keyId()
          : "the " + principal.credential().kindName() + " of key " + principal.keyId();
      return Verdict.refuse(ErrorCode.SCOPE_DENIED, "Scope 'keys:write' is needed to " + action + ", and " + who
          + " does not hold it.");
    }
    if (operation.rule() == ManagementOperation.Rule.KEY_COVERED) {
      // what the key holds under the plan now, as the caller's own scopes are (the same organization's):
      // after a downgrade its keys are compared as narrowed, so the organization still revokes and rotates them
      Set<String> over = beyond(principal, operator ? key.scopes()
          : Scopes.within(key.scopes(), principal.plan().scopes()));
      if (!over.isEmpty()) {
        return Verdict.refuse(ErrorCode.SCOPE_ESCALATION, "Key " + key.id() + " holds scopes " + over
            + " that your key does not; only a key that holds them may act on it.");
      }
      if (!operator) {
        // rotating hands the caller the key's new secret: it must not be worth more than the caller's own
        Verdict limits = noMoreThanCaller(principal, "Key " + key.id(), key.limitOverrides(), key.expiresAt());
        if (!limits.allowed()) {
          return limits;
        }
        if (operation == ManagementOperation.KEY_ROTATE) {
          Verdict raised = noRaiseAboveCaller(principal, key);
          if (!raised.allowed()) {
            return raised;
          }
        }
      }
    }
    return Verdict.allow();
  }

  /**
   * Whether {@code principal} may give a credential of organization {@code organizationId} these
   * {@code scopes} (a key, a project, a token): never more than the caller holds, and reserved
   * scopes only from the operator to its own organization.
   */
  public static Verdict grant(Principal principal, Collection<String> scopes, String organizationId) {
    Set<String> reserved = Scopes.reservedAmong(scopes);
    if (!reserved.isEmpty() && !(operator(principal) && organizationId.equals(principal.customerId()))) {
      return Verdict.refuse(ErrorCode.SCOPE_ESCALATION, "Scopes " + reserved + " are reserved to the operator and "
          + "never granted to a customer's key, project or token.");
    }
    Set<String> over = beyond(principal, scopes);
    if (!over.isEmpty()) {
      return Verdict.refuse(ErrorCode.SCOPE_ESCALATION, "Scopes " + over + " are not held by your "
          + principal.credential().kindName() + ".");
    }
    return Verdict.allow();
  }

  /**
   * Whether {@code principal} may give a key {@code wanted} units of policy {@code policy}: never
   * above the plan's or the caller's own key's limit, unless the caller is the operator.
   */
  public static Verdict raiseLimits(Principal principal, String policy, long wanted, long planLimit) {
    if (operator(principal)) {
      return Verdict.allow();
    }
    if (wanted > planLimit) {
      return Verdict.refuse(ErrorCode.SCOPE_ESCALATION, "limits." + policy + ": " + wanted + " is above the plan's "
          + planLimit + "; only the operator may raise a key's limits.");
    }
    Long own = principal.limitOverrides().get(policy);
    if (own != null && wanted > own) {
      return Verdict.refuse(ErrorCode.SCOPE_ESCALATION, "limits." + policy + ": " + wanted + " is above your key's "
          + own + "; a key never gets more than the key that creates it.");
    }
    return Verdict.allow();
  }

  /**
   * Whether {@code principal} may create keys at all: not with a restriction of its own (a limit it was
   * issued with that the operator did not raise above the plan), whatever the plan is now. Each key it
   * made would have its limits and a counter of its own, so a key held to a daily 2 would make its holder
   * two calls a day per key it creates (and a plan change that left the restriction above the plan for a
   * while would let it create them, to bind again later); such a key manages the keys it may (rotate,
   * revoke) but creates none. A raised limit is no restriction.
   */
  public static Verdict createKeys(Principal principal) {
    if (operator(principal)) {
      return Verdict.allow();
    }
    for (Map.Entry<String, Long> own : new java.util.TreeMap<>(principal.limitOverrides()).entrySet()) {
      if (!principal.raisedLimits().contains(own.getKey())) {
        return Verdict.refuse(ErrorCode.SCOPE_ESCALATION, "Key " + principal.keyId() + " has a '" + own.getKey()
            + "' limit of its own (" + own.getValue() + "): every key it created would have as much again, so a "
            + "limited key creates no keys; create them with a key without limits of its own.");
      }
    }
    return Verdict.allow();
  }

  /**
   * Whether {@code principal} may give a key it creates the lifetime {@code wanted} (empty: never
   * expires): never beyond its own credential's, unless it is the operator.
   */
  public static Verdict grantLifetime(Principal principal, Optional<Instant> wanted) {
    if (operator(principal)) {
      return Verdict.allow();
    }
    return notOutliving(principal, "The new key", wanted);
  }

  /**
   * Whether something with these limits and this lifetime is worth no more than the caller's own
   * credential: under every limit the caller has, and not outliving it.
   */
  private static Verdict noMoreThanCaller(Principal principal, String what, Map<String, Long> limits,
      Optional<Instant> expiresAt) {
    for (Map.Entry<String, Long> own : principal.limitOverrides().entrySet()) {
      Long theirs = limits.get(own.getKey());
      if (theirs == null || theirs > own.getValue()) {
        return Verdict.refuse(ErrorCode.SCOPE_ESCALATION, what + " has a higher '" + own.getKey()
            + "' limit than your key's " + own.getValue() + ".");
      }
    }
    return notOutliving(principal, what, expiresAt);
  }

  /**
   * A limit the operator raised above the plan is worth more than the plan's: a caller gets the key's
   * new secret only when its own key has the same limit raised at least as high (a caller on the plan's
   * limits would otherwise hold the raise through the secret, and lock the key's holder out).
   */
  private static Verdict noRaiseAboveCaller(Principal principal, ApiKey key) {
    for (String name : new TreeSet<>(key.raisedLimits())) {
      Long own = principal.raisedLimits().contains(name) ? principal.limitOverrides().get(name) : null;
      if (own == null || own < key.limitOverrides().get(name)) {
        return Verdict.refuse(ErrorCode.SCOPE_ESCALATION, "Key " + key.id() + " has its '" + name + "' limit raised "
            + "above the plan by the operator; only the operator (or a key raised as high) may rotate it.");
      }
    }
    return Verdict.allow();
  }

  private static Verdict notOutliving(Principal principal, String what, Optional<Instant> expiresAt) {
    Optional<Instant> mine = principal.credential().expiresAt();
    if (mine.isPresent() && (expiresAt.isEmpty() || expiresAt.get().isAfter(mine.get()))) {
      return Verdict.refuse(ErrorCode.SCOPE_ESCALATION, what + " would outlive your "
          + principal.credential().kindName() + ", which works until " + mine.get() + ".");
    }
    return Verdict.allow();
  }

  /** What of {@code scopes} the principal does not hold; the operator holds all but reserved ones it lacks. */
  private static Set<String> beyond(Principal principal, Collection<String> scopes) {
    if (operator(principal)) {
      Set<String> out = new TreeSet<>(Scopes.reservedAmong(scopes));
      out.removeAll(principal.scopes());
      return out;
    }
    return Scopes.uncovered(principal.scopes(), scopes);
  }

  /** What a target is, its id, and the organization it belongs to. */
  private record Owner(String kind, String id, String organization) {}

  /**
   * Whether {@code principal} may learn that {@code target} exists and whose it is (the operator, or
   * the target's own organization): what an audit event of the call may record about it. Anything
   * else answers as an id that does not exist, and is recorded as one.
   */
  public static boolean sees(Principal principal, Target target) {
    if (target instanceof Target.Missing) {
      return false;
    }
    return operator(principal) || owner(target, principal).organization().equals(principal.customerId());
  }

  private static Owner owner(Target target, Principal principal) {
    if (target instanceof Target.Organization o) {
      return new Owner("organization", o.id(), o.id());
    }
    if (target instanceof Target.Project p) {
      return new Owner("project", p.id(), p.organizationId());
    }
    if (target instanceof Target.Key k) {
      return new Owner("key", k.key().id(), k.key().customerId());
    }
    return new Owner("organization", principal.customerId(), principal.customerId());
  }

  private static boolean ruleFits(ManagementOperation.Rule rule, Target target) {
    return switch (rule) {
      case NONE -> target instanceof Target.Self;
      case OWN_ORGANIZATION -> target instanceof Target.Organization || target instanceof Target.Project;
      case KEY_IN_OWN_ORGANIZATION, KEY_COVERED -> target instanceof Target.Key;
    };
  }

  private static Verdict notFound(String kind, String id) {
    String shown = id.length() > 64 ? id.substring(0, 64) + "..." : id;
    return Verdict.refuse(ErrorCode.NOT_FOUND, "No " + kind + " '" + shown + "'.");
  }
}
