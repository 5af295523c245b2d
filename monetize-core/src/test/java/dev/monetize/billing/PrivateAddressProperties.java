package dev.monetize.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.billing.internal.HttpPoster;
import java.net.InetAddress;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A webhook never reaches the deployment's own side through an address that hides an IPv4 one in
 * IPv6 (OWASP API7, server-side request forgery): every embedding of a loopback, private or
 * metadata address is refused, as the address itself is.
 */
class PrivateAddressProperties {
  @Provide
  Arbitrary<byte[]> privateV4() {
    return Arbitraries.of(new byte[] {127, 0, 0, 1}, new byte[] {10, 1, 2, 3}, new byte[] {(byte) 169, (byte) 254,
        (byte) 169, (byte) 254}, new byte[] {(byte) 192, (byte) 168, 0, 1}, new byte[] {100, 100, 100, (byte) 200},
        new byte[] {(byte) 172, 16, 0, 9}, new byte[] {0, 0, 0, 0}, new byte[] {(byte) 192, 0, 0, (byte) 170});
  }

  @Property(tries = 200)
  void everyIpv6FormOfAPrivateIpv4AddressIsPrivate(@ForAll("privateV4") byte[] v4) throws Exception {
    assertThat(HttpPoster.isPrivate(InetAddress.getByAddress(v4))).isTrue();
    for (byte[] prefix : new byte[][] {
        {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, // ::a.b.c.d, IPv4-compatible
        {0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 0, 0}, // ::ffff:0:a.b.c.d, IPv4-translated
        {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff}, // ::ffff:a.b.c.d, IPv4-mapped
        {0, 0x64, (byte) 0xff, (byte) 0x9b, 0, 0, 0, 0, 0, 0, 0, 0}}) { // NAT64
      byte[] v6 = new byte[16];
      System.arraycopy(prefix, 0, v6, 0, 12);
      System.arraycopy(v4, 0, v6, 12, 4);
      InetAddress a = InetAddress.getByAddress(v6);
      assertThat(HttpPoster.isPrivate(a)).as(a.getHostAddress()).isTrue();
    }
    byte[] sixToFour = new byte[16]; // 2002:a.b.c.d::
    sixToFour[0] = 0x20;
    sixToFour[1] = 0x02;
    System.arraycopy(v4, 0, sixToFour, 2, 4);
    assertThat(HttpPoster.isPrivate(InetAddress.getByAddress(sixToFour))).isTrue();
  }

  @Example
  void teredoAndTheProtocolBlockAreRefusedAndPublicAddressesAreNot() throws Exception {
    assertThat(HttpPoster.isPrivate(InetAddress.getByName("2001:0:4136:e378:8000:63bf:3fff:fdd2"))).isTrue();
    assertThat(HttpPoster.isPrivate(InetAddress.getByName("192.0.0.8"))).isTrue();
    assertThat(HttpPoster.isPrivate(InetAddress.getByName("::127.0.0.1"))).isTrue();
    assertThat(HttpPoster.isPrivate(InetAddress.getByName("::a9fe:a9fe"))).isTrue();
    assertThat(HttpPoster.isPrivate(InetAddress.getByName("::ffff:0:7f00:1"))).isTrue();
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1};
    assertThat(HttpPoster.isPrivate(java.net.Inet6Address.getByAddress(null, mapped, -1))).isTrue(); // kept IPv6
    assertThat(HttpPoster.isPrivate(InetAddress.getByName("8.8.8.8"))).isFalse();
    assertThat(HttpPoster.isPrivate(InetAddress.getByName("2606:4700:4700::1111"))).isFalse();
    assertThat(HttpPoster.isPrivate(InetAddress.getByName("2001:db8:1::1"))).isFalse(); // 2001:db8 is not Teredo
  }
}
