package dev.monetize.http;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which client address a request really comes from. {@code Forwarded} (RFC 7239) and
 * {@code X-Forwarded-For} are believed only when the connection's peer is one of the configured
 * proxies (CIDRs), and only the one header those proxies write ({@code X-Forwarded-For} unless
 * {@link #withForwardedHeader()}); then the list is walked from the right, skipping trusted hops, and the first
 * untrusted address is the client. With no proxies configured (the default) the client is always
 * the peer, whatever the headers say, so a caller can never pick its own address.
 *
 * <pre>{@code
 * TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8, ::1/128");
 * proxies.clientAddress("10.0.0.5", Optional.empty(), Optional.of("203.0.113.9, 10.0.0.7")); // 203.0.113.9
 * proxies.clientAddress("198.51.100.1", Optional.empty(), Optional.of("1.2.3.4"));          // 198.51.100.1
 * }</pre>
 */
public final class TrustedProxies {
  private static final TrustedProxies NONE = new TrustedProxies(List.of(), false);
  private static final int MAX_HOPS = 32;

  private final List<Cidr> cidrs;
  private final boolean forwardedHeader;

  private TrustedProxies(List<Cidr> cidrs, boolean forwardedHeader) {
    this.cidrs = List.copyOf(cidrs);
    this.forwardedHeader = forwardedHeader;
  }

  /**
   * Reads {@code Forwarded} (RFC 7239) instead of {@code X-Forwarded-For} (the default, what nginx,
   * HAProxy and cloud load balancers append). Only the header the proxies write is read: the other
   * one passes through them untouched, so a client could put anything in it.
   */
  public TrustedProxies withForwardedHeader() {
    return new TrustedProxies(cidrs, true);
  }

  /** No trusted proxy: the client is always the connection's peer (the default). */
  public static TrustedProxies none() {
    return NONE;
  }

  /**
   * Proxies from a comma-separated list of CIDRs or single addresses (IPv4 or IPv6 literals, no
   * host names), e.g. {@code 10.0.0.0/8, 192.168.1.7, ::1/128}. Blank: none.
   *
   * @throws IllegalArgumentException naming the entry that is not a CIDR
   */
  public static TrustedProxies parse(String list) {
    List<Cidr> out = new ArrayList<>();
    for (String raw : list.split(",")) {
      String entry = raw.strip();
      if (entry.isEmpty()) {
        continue;
      }
      Cidr cidr;
      try {
        cidr = Cidr.parse(entry);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("trusted proxy " + e.getMessage(), e);
      }
      if (cidr.bits() == 0) { // every address a proxy: any caller's forwarding header would name its address
        throw new IllegalArgumentException("trusted proxy " + entry + " covers every address, so any caller could "
            + "choose its own address; list your proxies' addresses or networks (10.0.0.0/8, say)");
      }
      out.add(cidr);
    }
    return out.isEmpty() ? NONE : new TrustedProxies(out, false);
  }

  /** Whether any proxy is trusted. */
  public boolean any() {
    return !cidrs.isEmpty();
  }

  /** Whether {@code address} (an IP literal) is a trusted proxy. */
  public boolean trusts(String address) {
    Optional<InetAddress> a = literal(address);
    if (a.isEmpty()) {
      return false;
    }
    for (Cidr c : cidrs) {
      if (c.contains(a.get())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The client's address: the peer unless the peer is trusted, then the first untrusted hop from
   * the right of the header the proxies write. An entry that is not an
   * address (e.g. {@code unknown}) ends the walk at the hop that reported it. Trusting nobody, the
   * peer as given.
   *
   * @param peer the connection's remote address
   * @param forwarded the {@code Forwarded} header, if sent
   * @param xForwardedFor the {@code X-Forwarded-For} header, if sent
   */
  public String clientAddress(String peer, Optional<String> forwarded, Optional<String> xForwardedFor) {
    if (cidrs.isEmpty()) {
      return peer;
    }
    String client = unbracket(peer);
    if (!trusts(client)) {
      return client;
    }
    List<String> hops = forwardedHeader ? forwarded.map(TrustedProxies::forwardedFor).orElse(List.of())
        : xForwardedFor.map(TrustedProxies::commaList).orElse(List.of());
    for (int i = hops.size() - 1; i >= 0 && hops.size() - i <= MAX_HOPS; i--) {
      String hop = hops.get(i);
      if (literal(hop).isEmpty()) {
        return client; // not an address: the last trusted hop is all we know
      }
      client = hop;
      if (!trusts(hop)) {
        return hop;
      }
    }
    return client;
  }

  /**
   * Whether {@code peer} is a trusted proxy that says the client's request came over HTTPS:
   * {@code X-Forwarded-Proto: https} or {@code Forwarded: proto=https} (either may be null) for any
   * hop: where proxies append to the header, the answer errs on the side of a {@code Secure} cookie.
   * A proxy that is not trusted is not believed.
   */
  public boolean saysHttps(String peer, String forwarded, String forwardedProto) {
    if (!any() || peer == null || !trusts(peer)) {
      return false;
    }
    if (forwardedProto != null) {
      for (String hop : forwardedProto.split(",")) {
        if (hop.trim().equalsIgnoreCase("https")) {
          return true;
        }
      }
    }
    if (forwarded != null) {
      for (String hop : forwarded.split(",")) {
        if (hop.toLowerCase(java.util.Locale.ROOT).replace(" ", "").matches("(.*;)?proto=\"?https\"?(;.*)?")) {
          return true;
        }
      }
    }
    return false;
  }

  private static List<String> commaList(String header) {
    List<String> out = new ArrayList<>();
    for (String part : header.split(",")) {
      out.add(withoutPort(part.strip())); // some proxies write ip:port ([v6]:port)
    }
    return out;
  }

  /** The {@code for=} value of each element of a {@code Forwarded} header, ports and brackets removed. */
  private static List<String> forwardedFor(String header) {
    List<String> out = new ArrayList<>();
    for (String element : header.split(",")) {
      String value = "";
      for (String pair : element.split(";")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.substring(0, eq).strip().equalsIgnoreCase("for")) {
          value = pair.substring(eq + 1).strip();
        }
      }
      if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
        value = value.substring(1, value.length() - 1);
      }
      out.add(withoutPort(value));
    }
    return out;
  }

  private static String withoutPort(String v) {
    if (v.startsWith("[")) {
      int end = v.indexOf(']');
      return end < 0 ? v : v.substring(1, end);
    }
    int colon = v.indexOf(':');
    return colon > 0 && v.indexOf(':', colon + 1) < 0 ? v.substring(0, colon) : v;
  }

  private static String unbracket(String v) {
    return v.length() > 2 && v.startsWith("[") && v.endsWith("]") ? v.substring(1, v.length() - 1) : v;
  }

  /** An IP literal, parsed without any name lookup; empty for anything else. */
  static Optional<InetAddress> literal(String s) {
    return Cidr.literal(s);
  }
}
