package dev.monetize.plans;

import java.util.Collection;

/**
 * Scope matching with wildcards: {@code *} grants everything, {@code stats:*} grants
 * {@code stats:read} and {@code stats:read:raw}, anything else grants exactly itself.
 *
 * <pre>{@code
 * Scopes.grants(Set.of("stats:*"), "stats:read");  // true
 * Scopes.grants(Set.of("stats:*"), "events:write"); // false
 * }</pre>
 */
public final class Scopes {
  private Scopes() {}

  /** Whether {@code grant} grants {@code required}. */
  public static boolean grants(String grant, String required) {
    if (grant.equals("*") || grant.equals(required)) {
      return true;
    }
    if (grant.endsWith(":*")) {
      String prefix = grant.substring(0, grant.length() - 1); // keeps the ':'
      return required.startsWith(prefix) && required.length() > prefix.length();
    }
    return false;
  }

  /** Whether any of {@code grants} grants {@code required}. */
  public static boolean grants(Collection<String> grants, String required) {
    for (String g : grants) {
      if (grants(g, required)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether holding {@code parent} implies holding {@code child}, wildcards included: {@code *}
   * covers everything, {@code stats:*} covers {@code stats:read} and {@code stats:raw:*}, and a
   * wildcard is covered only by a wildcard at least as wide.
   */
  public static boolean covers(String parent, String child) {
    if (parent.equals("*") || parent.equals(child)) {
      return true;
    }
    if (child.equals("*") || !parent.endsWith(":*")) {
      return false;
    }
    String prefix = parent.substring(0, parent.length() - 1); // keeps the ':'
    return child.startsWith(prefix) && child.length() > prefix.length();
  }

  /** The scopes of {@code children} that none of {@code parents} covers (empty when all are covered). */
  public static java.util.Set<String> uncovered(Collection<String> parents, Collection<String> children) {
    java.util.Set<String> out = new java.util.TreeSet<>();
    for (String c : children) {
      boolean covered = false;
      for (String p : parents) {
        if (covers(p, c)) {
          covered = true;
          break;
        }
      }
      if (!covered) {
        out.add(c);
      }
    }
    return out;
  }

  /** Validates a scope string, returning it; the message says what is allowed. */
  public static String validate(String scope) {
    return Names.requireScope(scope, "scope");
  }
}
