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

  /** Validates a scope string, returning it; the message says what is allowed. */
  public static String validate(String scope) {
    return Names.requireScope(scope, "scope");
  }
}
