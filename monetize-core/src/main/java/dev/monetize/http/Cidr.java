package dev.monetize.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 203.0.113.0/24}, {@code 2001:db8::/32}); a
 * single address is its own {@code /32} or {@code /128}. Parsed without any name lookup; the host
 * bits are cleared, so {@code 10.1.2.3/8} is {@code 10.0.0.0/8}. An IPv4-mapped IPv6 address
 * ({@code ::ffff:203.0.113.9}) is its IPv4 address.
 *
 * <pre>{@code
 * Cidr.parse("203.0.113.0/24").contains("203.0.113.9"); // true
 * }</pre>
 */
public final class Cidr {
  private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  private final byte[] network;
  private final int bits;

  private Cidr(byte[] network, int bits) {
    this.network = network;
    this.bits = bits;
  }

  /**
   * The network {@code text} names: an IP literal with an optional {@code /prefix}.
   *
   * @throws IllegalArgumentException naming the text and what is allowed
   */
  public static Cidr parse(String text) {
    String entry = text == null ? "" : text.strip();
    int slash = entry.indexOf('/');
    String address = slash < 0 ? entry : entry.substring(0, slash);
    InetAddress a = literal(address).orElseThrow(() -> new IllegalArgumentException("'" + shorten(entry)
        + "' is not an IP address or CIDR such as 203.0.113.0/24 or 2001:db8::/32"));
    // an IPv4-mapped IPv6 literal (::ffff:203.0.113.9) is read as its IPv4 address: its prefix counts 128 bits
    boolean mapped = address.indexOf(':') >= 0 && a instanceof java.net.Inet4Address;
    int max = mapped ? 128 : a.getAddress().length * 8;
    int bits;
    String prefix = slash < 0 ? "" : entry.substring(slash + 1);
    if (slash >= 0 && (prefix.isEmpty() || prefix.length() > 3 || !prefix.chars().allMatch(ch -> ch >= '0' && ch <= '9'))) {
      bits = -1; // digits only: no sign, no space
    } else {
      bits = slash < 0 ? max : Integer.parseInt(prefix);
    }
    if (bits < 0 || bits > max) {
      throw new IllegalArgumentException("'" + shorten(entry) + "': the prefix length of a CIDR must be 0.." + max
          + ", such as 203.0.113.0/24 or 2001:db8::/32");
    }
    if (mapped && bits > 32) { // 0..32: the IPv4 network's own prefix, as ever; 96..128: counted in IPv6's 128 bits
      if (bits < 96) {
        throw new IllegalArgumentException("'" + shorten(entry) + "': an IPv4-mapped address (::ffff:a.b.c.d) takes "
            + "the prefix length of its IPv4 network (0..32) or that plus 96 (96..128), such as ::ffff:203.0.113.0/120");
      }
      bits -= 96;
    }
    byte[] n = a.getAddress();
    for (int i = 0; i < n.length; i++) { // clear the host bits
      int keep = Math.max(0, Math.min(8, bits - 8 * i));
      n[i] &= (byte) (0xFF << (8 - keep));
    }
    return new Cidr(n, bits);
  }

  /** Whether {@code address} (an IP literal, brackets allowed) is in this network; false for anything else. */
  public boolean contains(String address) {
    Optional<InetAddress> a = literal(address);
    return a.isPresent() && contains(a.get());
  }

  /**
   * The address of a canonical dotted-quad IPv4 literal ({@code 203.0.113.9}: no leading zeros) as
   * an unsigned 32-bit value; -1 for anything else (read with {@link #literal} then). Allocates
   * nothing: the shield reads the common case with it.
   */
  public static long ipv4Value(String v) {
    int n = v.length();
    if (n < 7 || n > 15) {
      return -1;
    }
    long out = 0;
    int i = 0;
    for (int part = 0; part < 4; part++) { // one to three digits, then a dot (none after the fourth)
      if (part > 0) {
        if (v.charAt(i) != '.') {
          return -1;
        }
        i++;
      }
      int value = i < n ? v.charAt(i) - '0' : -1;
      if (value < 0 || value > 9) {
        return -1;
      }
      i++;
      int d = i < n ? v.charAt(i) - '0' : -1;
      if (d >= 0 && d <= 9) {
        if (value == 0) {
          return -1; // a leading zero: not the canonical form
        }
        value = value * 10 + d;
        i++;
        d = i < n ? v.charAt(i) - '0' : -1;
        if (d >= 0 && d <= 9) {
          value = value * 10 + d;
          i++;
          if (value > 255) {
            return -1;
          }
        }
      }
      out = out << 8 | value;
      if (i == n) {
        return part == 3 ? out : -1;
      }
    }
    return -1; // characters after the fourth number
  }

  /** Whether the IPv4 address {@code value} ({@link #ipv4Value}) is in this network; false for an IPv6 network. */
  public boolean containsIpv4(long value) {
    if (network.length != 4 || value < 0) {
      return false;
    }
    long mine = (network[0] & 0xFFL) << 24 | (network[1] & 0xFFL) << 16 | (network[2] & 0xFFL) << 8 | network[3] & 0xFFL;
    long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
    return (value & mask) == (mine & mask);
  }

  /** Whether {@code a} is in this network. */
  public boolean contains(InetAddress a) {
    byte[] b = a.getAddress();
    if (b.length != network.length) {
      return false;
    }
    int full = bits / 8;
    for (int i = 0; i < full; i++) {
      if (b[i] != network[i]) {
        return false;
      }
    }
    int rest = bits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xFF << (8 - rest)) & 0xFF;
    return (b[full] & mask) == (network[full] & mask);
  }

  /**
   * The key one client is counted under: an IPv4 address as itself, an IPv6 address by its /64
   * (one site's subnet: a client that owns a /64 could otherwise take a fresh address per request).
   * An IPv6 address that stands for an IPv4 client is that client: behind a stateless translator
   * (RFC 6052's {@code 64:ff9b::/96} and the local-use {@code 64:ff9b:1::/48}, RFC 7755), an
   * IPv4-compatible {@code ::a.b.c.d}, or Teredo ({@code 2001::/32}), every IPv4 user shares one /64,
   * and one of them would spend, or get banned, the budget of all.
   */
  public static String clientKey(InetAddress a) {
    return clientKeyOf(a);
  }

  /**
   * {@link #clientKey(InetAddress)} of an address as text: a canonical IPv4 literal as itself (read
   * without allocating), any other literal by its client ({@code 198.51.100.07} and {@code
   * ::ffff:c633:6407} are {@code 198.51.100.7}, an IPv6 address its /64); anything that is no address,
   * as given. Every budget and count kept per client address keys by this, as the shield does.
   */
  public static String clientKey(String address) {
    if (ipv4Value(address) >= 0) {
      return address;
    }
    return literal(address).map(Cidr::clientKeyOf).orElse(address);
  }

  private static String clientKeyOf(InetAddress a) {
    byte[] b = a.getAddress();
    if (b.length == 4) {
      return a.getHostAddress();
    }
    int embedded = embeddedIpv4(b);
    if (embedded == 3) { // where the local-use prefix puts the IPv4 address depends on its length: the whole address
      return a.getHostAddress() + "/128";
    }
    if (embedded != 0) {
      int v = embedded == 2 ? ~ipv4At(b) : ipv4At(b); // Teredo keeps its client's address inverted
      if (v != 0) { // no client is 0.0.0.0: such an address is not one standing for an IPv4 client
        return (v >>> 24) + "." + (v >>> 16 & 0xFF) + "." + (v >>> 8 & 0xFF) + "." + (v & 0xFF);
      }
    }
    byte[] net = java.util.Arrays.copyOf(b, 16);
    java.util.Arrays.fill(net, 8, 16, (byte) 0);
    try {
      return InetAddress.getByAddress(net).getHostAddress() + "/64";
    } catch (UnknownHostException e) {
      throw new IllegalStateException("16 bytes are an address", e);
    }
  }

  /**
   * 1: the last four bytes of IPv6 address {@code b} are an IPv4 client's ({@code 64:ff9b::/96},
   * {@code ::a.b.c.d}); 2: Teredo's, inverted; 3: the local-use {@code 64:ff9b:1::/48}, whose prefix
   * length (RFC 6052: /48 to /96) places the IPv4 address where the operator chose; 0: none of them.
   */
  private static int embeddedIpv4(byte[] b) {
    boolean nat64 = b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b;
    if (nat64 && b[4] == 0 && b[5] == 0 && zero(b, 6, 12)) {
      return 1;
    }
    if (nat64 && b[4] == 0 && b[5] == 1) {
      return 3;
    }
    if (zero(b, 0, 12) && !zero(b, 12, 15)) { // ::a.b.c.d, but not :: or ::1
      return 1;
    }
    return b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0 ? 2 : 0;
  }

  private static boolean zero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static int ipv4At(byte[] b) {
    return (b[12] & 0xFF) << 24 | (b[13] & 0xFF) << 16 | (b[14] & 0xFF) << 8 | b[15] & 0xFF;
  }

  /** The prefix length. */
  public int bits() {
    return bits;
  }

  /** An IP literal, parsed without any name lookup; empty for anything else. */
  public static Optional<InetAddress> literal(String s) {
    if (s == null) {
      return Optional.empty();
    }
    String v = s.length() > 2 && s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
    int zone = v.indexOf('%');
    if (zone > 0 && v.indexOf(':') >= 0) {
      v = v.substring(0, zone); // fe80::1%eth0: the zone names an interface of the peer, not another address
    }
    byte[] four = ipv4(v);
    if (four != null) {
      try {
        return Optional.of(InetAddress.getByAddress(four));
      } catch (UnknownHostException e) {
        return Optional.empty();
      }
    }
    try {
      if (IPV4.matcher(v).matches()) {
        byte[] b = new byte[4];
        String[] parts = v.split("\\.");
        for (int i = 0; i < 4; i++) {
          int octet = Integer.parseInt(parts[i]);
          if (octet > 255) {
            return Optional.empty();
          }
          b[i] = (byte) octet;
        }
        return Optional.of(InetAddress.getByAddress(b));
      }
      if (v.indexOf(':') < 0 || !IPV6.matcher(v).matches() || Character.digit(v.charAt(0), 16) < 0 && v.charAt(0) != ':') {
        return Optional.empty(); // the JDK reads only text starting with a hex digit or ':' as an IPv6 literal
      }
      return Optional.of(InetAddress.getByName(v)); // contains ':': parsed as an IPv6 literal, never looked up
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  /** A dotted-quad IPv4 literal's bytes, read without a regular expression (the common case); null otherwise. */
  private static byte[] ipv4(String v) {
    int n = v.length();
    if (n < 7 || n > 15) {
      return null;
    }
    byte[] b = new byte[4];
    int part = 0;
    int value = 0;
    int digits = 0;
    for (int i = 0; i <= n; i++) {
      char c = i == n ? '.' : v.charAt(i);
      if (c >= '0' && c <= '9') {
        value = value * 10 + (c - '0');
        if (++digits > 3 || value > 255) {
          return null;
        }
      } else if (c == '.' && digits > 0 && part < 4) {
        b[part++] = (byte) value;
        value = 0;
        digits = 0;
      } else {
        return null;
      }
    }
    return part == 4 ? b : null;
  }

  private static String shorten(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }

  /** {@code network/bits}, the network in its canonical form. */
  @Override
  public String toString() {
    try {
      return InetAddress.getByAddress(network).getHostAddress() + "/" + bits;
    } catch (UnknownHostException e) {
      throw new IllegalStateException("4 or 16 bytes are an address", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr c && bits == c.bits && Arrays.equals(network, c.network);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(network) + bits;
  }
}
