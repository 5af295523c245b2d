package dev.monetize.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** CIDRs: an address is in a network exactly when its first {@code bits} bits are the network's. */
class CidrProperties {
  @Property(tries = 500)
  void anAddressIsInTheNetworkExactlyWhenItsPrefixMatches(@ForAll("ipv4") byte[] network, @ForAll("ipv4") byte[] address,
      @ForAll @IntRange(min = 0, max = 32) int bits) throws Exception {
    String n = InetAddress.getByAddress(network).getHostAddress();
    String a = InetAddress.getByAddress(address).getHostAddress();
    Cidr c = Cidr.parse(n + "/" + bits);
    assertThat(c.contains(a)).isEqualTo(prefix(network, bits) == prefix(address, bits));
    assertThat(Cidr.parse(c.toString())).isEqualTo(c); // its canonical form reads back
    assertThat(c.contains(n)).isTrue();
  }

  @Property(tries = 300)
  void ipv6NetworksHoldTheirAddressesAndNoIpv4One(@ForAll("ipv6") byte[] network, @ForAll @IntRange(min = 1, max = 128)
      int bits, @ForAll("ipv4") byte[] v4) throws Exception {
    String n = InetAddress.getByAddress(network).getHostAddress();
    Cidr c = Cidr.parse(n + "/" + bits);
    byte[] inside = network.clone();
    inside[15] ^= bits == 128 ? 0 : 1; // a host bit when the prefix leaves one
    assertThat(c.contains("[" + InetAddress.getByAddress(inside).getHostAddress() + "]")).isTrue();
    assertThat(c.contains(InetAddress.getByAddress(v4).getHostAddress())).isFalse();
    assertThat(Cidr.parse(c.toString())).isEqualTo(c);
  }

  /**
   * An IPv6 address standing for an IPv4 client (a stateless translator's prefix, IPv4-compatible, Teredo)
   * is counted as that client; any other IPv6 address by its /64.
   */
  @Property(tries = 300)
  void aClientIsItsIpv4AddressWhereverIpv6CarriesIt(@ForAll("ipv4") byte[] v4, @ForAll("ipv6") byte[] v6)
      throws Exception {
    String client = InetAddress.getByAddress(v4).getHostAddress();
    boolean zero = v4[0] == 0 && v4[1] == 0 && v4[2] == 0 && v4[3] == 0;
    byte[][] carriers = {hex("0064ff9b0000000000000000"), hex("000000000000000000000000")};
    for (byte[] prefix : carriers) {
      byte[] a = java.util.Arrays.copyOf(prefix, 16);
      System.arraycopy(v4, 0, a, 12, 4);
      if (zero || prefix[1] == 0 && v4[0] == 0 && v4[1] == 0 && v4[2] == 0) {
        continue; // no client is 0.0.0.0, and ::x for x < 256 (:: and ::1 among them) is none either
      }
      assertThat(Cidr.clientKey(InetAddress.getByAddress(a))).as(InetAddress.getByAddress(a).getHostAddress())
          .isEqualTo(client);
    }
    // the local-use prefix: the IPv4 address sits where its length puts it, so the whole address is the client
    byte[] local = java.util.Arrays.copyOf(hex("0064ff9b0001"), 16);
    System.arraycopy(v4, 0, local, 6, 2);
    System.arraycopy(v4, 2, local, 9, 2); // RFC 6052 with a /48: bits 64-71 are zero
    byte[] other = local.clone();
    other[10] ^= 1;
    assertThat(Cidr.clientKey(InetAddress.getByAddress(local))).endsWith("/128")
        .isNotEqualTo(Cidr.clientKey(InetAddress.getByAddress(other)));
    byte[] teredo = hex("200100004136e3780000f227");
    byte[] t = java.util.Arrays.copyOf(teredo, 16);
    for (int i = 0; i < 4; i++) {
      t[12 + i] = (byte) ~v4[i];
    }
    if (!zero) {
      assertThat(Cidr.clientKey(InetAddress.getByAddress(t))).isEqualTo(client);
    }
    boolean carrier = v6[0] == 0 && v6[1] == 0x64 && v6[2] == (byte) 0xff && v6[3] == (byte) 0x9b
        || v6[0] == 0x20 && v6[1] == 0x01 && v6[2] == 0 && v6[3] == 0 || java.util.Arrays.equals(v6, 0, 12, new byte[12], 0, 12);
    if (!carrier) {
      byte[] sameSubnet = v6.clone();
      sameSubnet[15] ^= 1;
      assertThat(Cidr.clientKey(InetAddress.getByAddress(v6))).endsWith("/64")
          .isEqualTo(Cidr.clientKey(InetAddress.getByAddress(sameSubnet)));
    }
  }

  @org.junit.jupiter.api.Test
  void twoClientsBehindOneTranslatorAreTwoClients() throws Exception {
    assertThat(Cidr.clientKey(Cidr.literal("64:ff9b::198.51.100.1").orElseThrow()))
        .isNotEqualTo(Cidr.clientKey(Cidr.literal("64:ff9b::8.8.8.8").orElseThrow())).isEqualTo("198.51.100.1");
    assertThat(Cidr.clientKey(Cidr.literal("::198.51.100.2").orElseThrow())).isEqualTo("198.51.100.2");
    assertThat(Cidr.clientKey(Cidr.literal("::1").orElseThrow())).isEqualTo("0:0:0:0:0:0:0:0/64");
    assertThat(Cidr.clientKey(Cidr.literal("2001:db8:77::5").orElseThrow())).isEqualTo("2001:db8:77:0:0:0:0:0/64");
  }

  private static byte[] hex(String h) {
    byte[] out = new byte[h.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }

  @Property(tries = 300)
  void anythingElseIsRefusedWithAMessageNotAnException(@ForAll("junk") String text) {
    try {
      Cidr.parse(text);
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).contains("CIDR").doesNotContain("Exception");
    }
  }

  @Test
  void hostBitsAreClearedAndNamesAreNeverLookedUp() {
    assertThat(Cidr.parse("10.1.2.3/8")).hasToString("10.0.0.0/8");
    assertThat(Cidr.parse("203.0.113.9")).hasToString("203.0.113.9/32");
    assertThat(Cidr.parse("::ffff:203.0.113.9/32").contains("203.0.113.9")).isTrue(); // IPv4-mapped is IPv4
    assertThatThrownBy(() -> Cidr.parse("localhost")).hasMessageContaining("is not an IP address or CIDR");
    assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("prefix length of a CIDR must be 0..32");
    assertThatThrownBy(() -> Cidr.parse("256.0.0.1")).hasMessageContaining("is not an IP address");
    assertThat(Cidr.parse("0.0.0.0/0").contains("198.51.100.7")).isTrue();
    assertThat(Cidr.parse("0.0.0.0/0").contains("example.com")).isFalse();
  }

  private static long prefix(byte[] b, int bits) {
    long v = ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
    return bits == 0 ? 0 : v >>> (32 - bits);
  }

  @Property(tries = 3_000)
  void theFastIpv4ReadingAcceptsExactlyCanonicalDottedQuads(@ForAll("dottedish") String text) {
    java.util.regex.Matcher m = CANONICAL_QUAD.matcher(text);
    long expected = -1;
    if (m.matches()) {
      expected = 0;
      for (int g = 1; g <= 4; g++) {
        int part = Integer.parseInt(m.group(g));
        expected = part > 255 || expected < 0 ? -1 : expected << 8 | part;
      }
    }
    assertThat(Cidr.ipv4Value(text)).as(text).isEqualTo(expected);
  }

  private static final java.util.regex.Pattern CANONICAL_QUAD =
      java.util.regex.Pattern.compile("(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})");

  /** Strings near a dotted quad: numbers of 0-4 digits (leading zeros, above 255), 2-5 parts, stray characters. */
  @Provide
  Arbitrary<String> dottedish() {
    Arbitrary<String> number = Arbitraries.oneOf(Arbitraries.integers().between(0, 255).map(String::valueOf),
        Arbitraries.integers().between(256, 9_999).map(String::valueOf),
        Arbitraries.strings().withChars("0123456789").ofMinLength(0).ofMaxLength(4));
    Arbitrary<String> quadish = number.list().ofMinSize(2).ofMaxSize(5).map(parts -> String.join(".", parts));
    Arbitrary<String> withStray = Arbitraries.of(".", " ", ":", "a", "/", "..", "\u0661").flatMap(stray ->
        quadish.flatMap(q -> Arbitraries.integers().between(0, q.length())
            .map(at -> q.substring(0, at) + stray + q.substring(at))));
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(5, quadish), net.jqwik.api.Tuple.of(2, withStray),
        net.jqwik.api.Tuple.of(1, junk()));
  }

  @Provide
  Arbitrary<byte[]> ipv4() {
    return Arbitraries.bytes().array(byte[].class).ofSize(4);
  }

  @Provide
  Arbitrary<byte[]> ipv6() {
    return Arbitraries.bytes().array(byte[].class).ofSize(16).filter(b -> !(b[0] == 0 && b[1] == 0 && b[2] == 0
        && b[3] == 0 && b[4] == 0 && b[5] == 0 && b[6] == 0 && b[7] == 0 && b[8] == 0 && b[9] == 0)); // not IPv4-mapped
  }

  @Provide
  Arbitrary<String> junk() {
    return Arbitraries.strings().withChars("0123456789abcdef.:/[] -x").ofMaxLength(24);
  }

  /** A prefix length is digits only; every spelling of one client's address is one client key. */
  @org.junit.jupiter.api.Test
  void prefixLengthsAreDigitsAndEverySpellingOfAClientIsOneKey() {
    for (String bad : java.util.List.of("203.0.113.0/+24", "203.0.113.0/ 24", "203.0.113.0/", "203.0.113.0/0024",
        "2001:db8::/-0")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Cidr.parse(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    for (String spelling : java.util.List.of("198.51.100.7", "198.51.100.07", "::ffff:198.51.100.7", "::ffff:c633:6407",
        "[::ffff:198.51.100.7]", "64:ff9b::c633:6407")) {
      assertThat(Cidr.clientKey(spelling)).as(spelling).isEqualTo("198.51.100.7");
    }
    assertThat(Cidr.clientKey("2001:db8:5:5::1")).isEqualTo(Cidr.clientKey("2001:db8:5:5:ffff::9"));
    assertThat(Cidr.clientKey("2001:db8:5:5::1")).isNotEqualTo(Cidr.clientKey("2001:db8:5:6::1"));
    assertThat(Cidr.clientKey("not an address")).isEqualTo("not an address");
  }

  /** An IPv4-mapped IPv6 network takes its IPv4 network's prefix, or that plus 96 (counted in 128 bits). */
  @net.jqwik.api.Example
  void anIpv4MappedNetworkCountsItsPrefixIn128Bits() {
    org.assertj.core.api.Assertions.assertThat(Cidr.parse("::ffff:127.0.0.1/128")).isEqualTo(Cidr.parse("127.0.0.1/32"));
    org.assertj.core.api.Assertions.assertThat(Cidr.parse("::ffff:203.0.113.9/120")).isEqualTo(Cidr.parse("203.0.113.0/24"));
    org.assertj.core.api.Assertions.assertThat(Cidr.parse("::ffff:203.0.113.9")).isEqualTo(Cidr.parse("203.0.113.9/32"));
    org.assertj.core.api.Assertions.assertThat(Cidr.parse("::ffff:203.0.113.9/24")).isEqualTo(Cidr.parse("203.0.113.0/24"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Cidr.parse("::ffff:203.0.113.9/64"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(0..32) or that plus 96 (96..128)");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Cidr.parse("::ffff:203.0.113.9/129"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0..128");
  }
}
