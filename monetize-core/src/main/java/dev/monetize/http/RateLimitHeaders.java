package dev.monetize.http;

import dev.monetize.limits.PolicyState;
import dev.monetize.limits.internal.PackedPolicies;
import java.util.List;

/**
 * Formats the IETF {@code RateLimit-Policy} and {@code RateLimit} fields (Structured Fields lists
 * of items) and the optional legacy {@code X-RateLimit-*} trio.
 *
 * <pre>{@code
 * RateLimit-Policy: "rate";q=10;w=1, "daily";q=1000;w=86400
 * RateLimit: "daily";r=50;t=30
 * }</pre>
 */
public final class RateLimitHeaders {
  /** {@code RateLimit-Policy}. */
  public static final String POLICY = "RateLimit-Policy";
  /** {@code RateLimit}. */
  public static final String STATE = "RateLimit";

  private RateLimitHeaders() {}

  /** Every policy that applied: {@code "name";q=..;w=..}, comma separated. */
  public static String policy(List<PolicyState> policies) {
    StringBuilder sb = new StringBuilder(32 * policies.size());
    for (PolicyState p : policies) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      appendName(sb, p.name()).append(";q=").append(p.quota()).append(";w=").append(p.windowSeconds());
      if (!"requests".equals(p.unit())) {
        sb.append(";qu=");
        appendName(sb, p.unit());
      }
    }
    return sb.toString();
  }

  /** The policies the fields announce (prepaid credits have no window and are left out). */
  public static List<PolicyState> announced(List<PolicyState> policies) {
    for (int i = 0; i < policies.size(); i++) {
      if (!PackedPolicies.announced(policies, i)) {
        return policies.stream().filter(PolicyState::announced).toList();
      }
    }
    return policies;
  }

  /** The tightest policy's state: {@code "name";r=..;t=..}. */
  public static String state(List<PolicyState> policies) {
    int i = tightestIndex(policies); // read in place: no state is made for it
    String name = PackedPolicies.name(policies, i);
    long remaining = Math.max(0, PackedPolicies.remaining(policies, i));
    long reset = PackedPolicies.resetSeconds(policies, i);
    if (plain(name)) { // the usual name: one exact-size string, no builder
      return "\"" + name + "\";r=" + remaining + ";t=" + reset;
    }
    StringBuilder sb = new StringBuilder(32);
    appendName(sb, name).append(";r=").append(remaining).append(";t=").append(reset);
    return sb.toString();
  }

  /**
   * The policy a client should pace itself by: a violated one (the longest wait) if any, else the
   * one with the fewest remaining units (on a tie, the longest reset).
   */
  public static PolicyState tightest(List<PolicyState> policies) {
    return policies.get(tightestIndex(policies));
  }

  private static int tightestIndex(List<PolicyState> policies) {
    if (policies.isEmpty()) {
      throw new IllegalArgumentException("no policies");
    }
    int best = 0;
    for (int i = 1; i < policies.size(); i++) {
      if (tighter(policies, i, best)) {
        best = i;
      }
    }
    return best;
  }

  private static boolean tighter(List<PolicyState> p, int a, int b) {
    boolean violatedA = PackedPolicies.violated(p, a);
    if (violatedA != PackedPolicies.violated(p, b)) {
      return violatedA;
    }
    long resetA = PackedPolicies.resetSeconds(p, a);
    long resetB = PackedPolicies.resetSeconds(p, b);
    if (violatedA) {
      return resetA > resetB;
    }
    long remainingA = PackedPolicies.remaining(p, a);
    long remainingB = PackedPolicies.remaining(p, b);
    if (remainingA != remainingB) {
      return remainingA < remainingB;
    }
    return resetA > resetB;
  }

  /** Whether {@code name} needs no escaping in a Structured Fields string. */
  private static boolean plain(String name) {
    return name.indexOf('"') < 0 && name.indexOf('\\') < 0;
  }

  private static StringBuilder appendName(StringBuilder sb, String name) {
    sb.append('"');
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.append('"');
  }
}
