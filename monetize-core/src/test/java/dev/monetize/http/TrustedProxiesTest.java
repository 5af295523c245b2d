package dev.monetize.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Forwarding headers are believed only from trusted proxies, and only the one they write. */
class TrustedProxiesTest {
  @Test
  void forwardedIsReadOnlyWhenChosen() {
    TrustedProxies xff = TrustedProxies.parse("127.0.0.0/8");
    Optional<String> forwarded = Optional.of("for=198.51.100.4;proto=https, for=\"127.0.0.2:80\"");
    assertThat(xff.clientAddress("127.0.0.1", forwarded, Optional.empty())).isEqualTo("127.0.0.1");
    assertThat(xff.withForwardedHeader().clientAddress("127.0.0.1", forwarded, Optional.of("6.6.6.6")))
        .isEqualTo("198.51.100.4");
    assertThat(xff.clientAddress("127.0.0.1", Optional.empty(), Optional.of("6.6.6.6, 203.0.113.9, 127.0.0.3")))
        .isEqualTo("203.0.113.9");
    assertThat(xff.clientAddress("198.51.100.1", Optional.empty(), Optional.of("1.2.3.4"))).isEqualTo("198.51.100.1");
    assertThat(xff.clientAddress("127.0.0.1", Optional.empty(), Optional.of("unknown, 127.0.0.3")))
        .isEqualTo("127.0.0.3");
  }

  @Test
  void onlyIpLiteralsAreAccepted() {
    assertThatThrownBy(() -> TrustedProxies.parse("proxy.internal")).hasMessageContaining("not an IP address");
    assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/33")).hasMessageContaining("0..32");
    for (String everyone : new String[] {"0.0.0.0/0", "::/0", "10.0.0.0/8, 0.0.0.0/0"}) { // any caller its own proxy
      assertThatThrownBy(() -> TrustedProxies.parse(everyone)).hasMessageContaining("covers every address");
    }
    assertThat(TrustedProxies.parse("0.0.0.0/1").trusts("10.0.0.1")).isTrue();
    assertThat(TrustedProxies.parse("::1/128").trusts("::1")).isTrue();
    assertThat(TrustedProxies.parse("10.0.0.0/8").trusts("999.0.0.1")).isFalse();
  }
}
