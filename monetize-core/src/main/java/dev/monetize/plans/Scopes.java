package dev.monetize.plans;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/**
 * Scope matching with wildcards: {@code *} grants everything, {@code stats:*} grants
 * {@code stats:read} and {@code stats:read:raw}, anything else grants exactly itself.
 *
 * <p>Scopes under {@value #RESERVED_PREFIX} are reserved for the operator of the deployment
 * ({@code monetize:admin}). No wildcard grants or covers them: a reserved scope is held only by a
 * credential that names it literally, and only the operator can place one there.
 *
 * <pre>{@code
 * Scopes.grants(Set.of("stats:*"), "stats:read");      // true
 * Scopes.grants(Set.of("stats:*"), "events:write");    // false
 * Scopes.grants(Set.of("*"), "monetize:admin");        // false: reserved
 * }</pre>
 */
public final class Scopes {
  /** The prefix of reserved (operator) scopes. */
  public static final String RESERVED_PREFIX = "monetize:";

  private Scopes() {}

  /**
   * Whether {@code scope} is reserved to the operator (no wildcard covers it): under
   * {@value #RESERVED_PREFIX} in any case ({@code Monetize:admin} is no customer's scope either).
   */
  public static boolean reserved(String scope) {
    return scope.regionMatches(true, 0, RESERVED_PREFIX, 0, RESERVED_PREFIX.length());
  }

  /** Whether {@code grant} grants {@code required}. */
  public static boolean grants(String grant, String required) {
    return covers(grant, required);
  }

  /** Whether any of {@code grants} grants {@code required}. */
  public static boolean grants(Collection<String> grants, String required) {
    for (String g : grants) {
      if (covers(g, required)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether holding {@code parent} implies holding {@code child}, wildcards included: {@code *}
   * covers everything but reserved scopes, {@code stats:*} covers {@code stats:read} and
   * {@code stats:raw:*}, a wildcard is covered only by a wildcard at least as wide, and a reserved
   * scope only by itself. This is a partial order (reflexive, antisymmetric, transitive).
   */
  public static boolean covers(String parent, String child) {
    if (parent.equals(child)) {
      return true;
    }
    if (reserved(child) || reserved(parent)) {
      return false;
    }
    if (parent.equals("*")) {
      return true;
    }
    if (child.equals("*") || !parent.endsWith(":*")) {
      return false;
    }
    String prefix = parent.substring(0, parent.length() - 1); // keeps the ':'
    return child.startsWith(prefix) && child.length() > prefix.length();
  }

  /** The scopes of {@code children} that none of {@code parents} covers (empty when all are covered). */
  public static Set<String> uncovered(Collection<String> parents, Collection<String> children) {
    Set<String> out = new TreeSet<>();
    for (String c : children) {
      if (!grants(parents, c)) {
        out.add(c);
      }
    }
    return out;
  }

  /**
   * What two scope sets hold in common: every scope of either that the other covers. A token's
   * effective scopes are its own intersected with its key's current ones, so narrowing a key
   * narrows its live tokens at once.
   *
   * <pre>{@code
   * Scopes.intersect(Set.of("stats:*"), Set.of("stats:read", "events:write")); // [stats:read]
   * }</pre>
   */
  public static Set<String> intersect(Collection<String> a, Collection<String> b) {
    Set<String> out = new TreeSet<>();
    for (String s : a) {
      if (grants(b, s)) {
        out.add(s);
      }
    }
    for (String s : b) {
      if (grants(a, s)) {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * What a credential issued with {@code scopes} holds under a plan whose scopes are {@code ceiling}:
   * its scopes the ceiling covers (as {@link #intersect}), and its reserved scopes, which only the
   * operator places. The same set when the ceiling covers them all.
   *
   * <pre>{@code
   * Scopes.within(Set.of("*"), Set.of("stats:read", "events:write")); // [events:write, stats:read]
   * }</pre>
   */
  public static Set<String> within(Set<String> scopes, Collection<String> ceiling) {
    for (String s : scopes) {
      if (!reserved(s) && !grants(ceiling, s)) {
        Set<String> held = new TreeSet<>(intersect(scopes, ceiling));
        held.addAll(reservedAmong(scopes));
        return java.util.Collections.unmodifiableSet(held);
      }
    }
    return scopes;
  }

  /** The reserved scopes among {@code scopes}. */
  public static Set<String> reservedAmong(Collection<String> scopes) {
    Set<String> out = new TreeSet<>();
    for (String s : scopes) {
      if (reserved(s)) {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * Validates a scope string, returning it; the message says what is allowed. A reserved wildcard
   * ({@code monetize:*}) is refused: reserved scopes are granted one by one.
   */
  public static String validate(String scope) {
    if (dev.monetize.keys.Redaction.containsSecret(scope)) { // not echoed: it is a credential, sent in the wrong place
      throw new IllegalArgumentException("a scope is invalid: it holds an API key or a token; a scope names what a "
          + "key may do, such as stats:read");
    }
    String s = Names.requireScope(scope, "scope");
    if (reserved(s) && s.endsWith("*")) {
      throw new IllegalArgumentException("scope '" + s + "' is invalid: reserved scopes (" + RESERVED_PREFIX
          + "...) are granted one by one, never by a wildcard");
    }
    return s;
  }
}
