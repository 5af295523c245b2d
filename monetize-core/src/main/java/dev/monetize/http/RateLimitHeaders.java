package dev.monetize.http;

import dev.monetize.limits.PolicyState;
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
    for (PolicyState p : policies) {
      if (!p.announced()) {
        return policies.stream().filter(PolicyState::announced).toList();
      }
    }
    return policies;
  }

  /** The tightest policy's state: {@code "name";r=..;t=..}. */
  public static String state(List<PolicyState> policies) {
    PolicyState p = tightest(policies);
    if (plain(p.name())) { // the usual name: one exact-size string, no builder
      return "\"" + p.name() + "\";r=" + Math.max(0, p.remaining()) + ";t=" + p.resetSeconds();
    }
    StringBuilder sb = new StringBuilder(32);
    appendName(sb, p.name()).append(";r=").append(Math.max(0, p.remaining())).append(";t=").append(p.resetSeconds());
    return sb.toString();
  }

  /**
   * The policy a client should pace itself by: a violated one (the longest wait) if any, else the
   * one with the fewest remaining units (on a tie, the longest reset).
   */
  public static PolicyState tightest(List<PolicyState> policies) {
    if (policies.isEmpty()) {
      throw new IllegalArgumentException("no policies");
    }
    PolicyState best = null;
    for (PolicyState p : policies) {
      if (best == null || tighter(p, best)) {
        best = p;
      }
    }
    return best;
  }

  private static boolean tighter(PolicyState a, PolicyState b) {
    if (a.violated() != b.violated()) {
      return a.violated();
    }
    if (a.violated()) {
      return a.resetSeconds() > b.resetSeconds();
    }
    if (a.remaining() != b.remaining()) {
      return a.remaining() < b.remaining();
    }
    return a.resetSeconds() > b.resetSeconds();
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
