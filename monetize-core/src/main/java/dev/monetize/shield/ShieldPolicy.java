package dev.monetize.shield;

import dev.monetize.http.Cidr;
import dev.monetize.plans.Rate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the shield treats client addresses, before any credential is looked at:
 * <ul>
 *   <li>{@code allow}: networks always let through (a monitoring probe, a partner's egress); they
 *       still need a credential;</li>
 *   <li>{@code deny}: networks refused with {@code 403 ip_denied};</li>
 *   <li>{@code unauthenticated}: how many requests without a valid credential (missing, malformed,
 *       unknown, revoked) one address may send; past it, {@code 429 ip_rate_limited} without looking
 *       at the credential;</li>
 *   <li>a ban after {@code banAfter} failed authentications within {@code banWindow}: {@code 403
 *       ip_banned} for {@code firstBan}, twice as long at each further ban of the same address within
 *       a day, at most {@code longestBan}.</li>
 * </ul>
 * The lists here are the plans file's; the operator adds and removes entries at run time through
 * the management API ({@link ShieldStore}).
 *
 * <pre>{@code
 * ShieldPolicy.defaults().deny(Cidr.parse("198.51.100.0/24")).banAfter(20, Duration.ofMinutes(1))
 * }</pre>
 *
 * @param allow networks always let through the shield
 * @param deny networks refused
 * @param unauthenticated requests without a valid credential one address may send
 * @param banAfter failed authentications that ban an address (0: never ban)
 * @param banWindow the window they are counted in
 * @param firstBan how long the first ban lasts
 * @param longestBan the longest ban
 * @param limitPrivate whether loopback and private addresses ({@link #PRIVATE}) are limited and
 *     banned too; by default they are not: they are usually the service's own proxies, and banning
 *     a load balancer's address would ban everyone behind it (configure trusted proxies so the
 *     shield sees the real client address)
 */
public record ShieldPolicy(List<Cidr> allow, List<Cidr> deny, Rate unauthenticated, int banAfter, Duration banWindow,
    Duration firstBan, Duration longestBan, boolean limitPrivate) {
  /** Loopback, private (RFC 1918, RFC 4193), shared (RFC 6598) and link-local networks. */
  public static final List<Cidr> PRIVATE = java.util.stream.Stream.of("127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12",
      "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16", "::1/128", "fc00::/7", "fe80::/10").map(Cidr::parse).toList();

  /** Validates and copies. */
  public ShieldPolicy {
    allow = List.copyOf(allow);
    deny = List.copyOf(deny);
    Objects.requireNonNull(unauthenticated, "unauthenticated");
    if (banAfter < 0) {
      throw new IllegalArgumentException("banAfter is 0 (never ban) or more failures, got " + banAfter);
    }
    requirePositive(banWindow, "banWindow");
    requirePositive(firstBan, "firstBan");
    requirePositive(longestBan, "longestBan");
    if (longestBan.compareTo(firstBan) < 0) {
      throw new IllegalArgumentException("the longest ban (" + longestBan + ") is shorter than the first (" + firstBan
          + ")");
    }
  }

  private static void requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(30)) > 0) {
      throw new IllegalArgumentException(name + " is more than 0 and at most 30 days, got " + d);
    }
  }

  /**
   * No lists; 20 requests without a valid credential per address at once, 2 more each second; a
   * ban after 50 failures in a minute, for 1 minute, doubling up to a day.
   */
  public static ShieldPolicy defaults() {
    return new ShieldPolicy(List.of(), List.of(), Rate.perSecond(2).withBurst(19), 50, Duration.ofMinutes(1),
        Duration.ofMinutes(1), Duration.ofDays(1), false);
  }

  /** The same, with these networks allowed too. */
  public ShieldPolicy allow(Cidr... networks) {
    return new ShieldPolicy(concat(allow, networks), deny, unauthenticated, banAfter, banWindow, firstBan, longestBan,
        limitPrivate);
  }

  /** The same, with these networks denied too. */
  public ShieldPolicy deny(Cidr... networks) {
    return new ShieldPolicy(allow, concat(deny, networks), unauthenticated, banAfter, banWindow, firstBan, longestBan,
        limitPrivate);
  }

  /** The same, with this limit on requests without a valid credential per address. */
  public ShieldPolicy unauthenticated(Rate rate) {
    return new ShieldPolicy(allow, deny, rate, banAfter, banWindow, firstBan, longestBan, limitPrivate);
  }

  /** The same, banning after {@code failures} failed authentications within {@code window} (0: never). */
  public ShieldPolicy banAfter(int failures, Duration window) {
    return new ShieldPolicy(allow, deny, unauthenticated, failures, window, firstBan, longestBan, limitPrivate);
  }

  /** The same, with these ban durations. */
  public ShieldPolicy bans(Duration first, Duration longest) {
    return new ShieldPolicy(allow, deny, unauthenticated, banAfter, banWindow, first, longest, limitPrivate);
  }

  /** The same, limiting and banning loopback and private addresses too (only when no proxy hides the clients). */
  public ShieldPolicy limitPrivateAddresses(boolean limit) {
    return new ShieldPolicy(allow, deny, unauthenticated, banAfter, banWindow, firstBan, longestBan, limit);
  }

  /** Whether the budget and bans apply to the IPv4 address {@code address} ({@code Cidr.ipv4Value}): not to loopback and private ones unless asked. */
  public boolean limitsIpv4(long address) {
    if (limitPrivate) {
      return true;
    }
    for (int i = 0; i < PRIVATE.size(); i++) {
      if (PRIVATE.get(i).containsIpv4(address)) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code address} is limited and banned: a public one always, a private one only if configured. */
  public boolean limits(java.net.InetAddress address) {
    if (limitPrivate) {
      return true;
    }
    for (Cidr c : PRIVATE) {
      if (c.contains(address)) {
        return false;
      }
    }
    return true;
  }

  private static List<Cidr> concat(List<Cidr> a, Cidr[] b) {
    java.util.List<Cidr> all = new java.util.ArrayList<>(a);
    all.addAll(List.of(b));
    return all;
  }
}
