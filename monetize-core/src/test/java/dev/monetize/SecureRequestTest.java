package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.http.TrustedProxies;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import org.junit.jupiter.api.Test;

/** Whether a browser's request came over HTTPS: the connection, or a trusted proxy's word, never another's. */
class SecureRequestTest {
  private static Monetize engine(TrustedProxies proxies) {
    return Monetize.builder().catalog(Catalog.builder()
        .plan(Plan.builder("free").rate(Rate.perSecond(1)).quota(Quota.daily(1)).build())
        .operation(Operation.builder("a", "GET", "/a").scope("a").build()).build()).trustedProxies(proxies).build();
  }

  @Test
  void onlyATrustedProxyIsBelieved() {
    try (Monetize m = engine(TrustedProxies.parse("10.0.0.0/8"))) {
      assertThat(m.secureRequest(true, "203.0.113.9", null, null)).isTrue();
      assertThat(m.secureRequest(false, "10.1.2.3", null, "https")).isTrue();
      assertThat(m.secureRequest(false, "10.1.2.3", null, "HTTPS, http")).isTrue();
      assertThat(m.secureRequest(false, "10.1.2.3", "for=1.2.3.4;proto=https", null)).isTrue();
      assertThat(m.secureRequest(false, "10.1.2.3", "for=1.2.3.4;proto=http", null)).isFalse();
      assertThat(m.secureRequest(false, "10.1.2.3", null, "http")).isFalse();
      // a proxy that appends: the edge's https after a client's own http still makes the cookie Secure
      assertThat(m.secureRequest(false, "10.1.2.3", null, "http, https")).isTrue();
      assertThat(m.secureRequest(false, "10.1.2.3", "for=1.2.3.4;proto=http, for=10.0.0.1;proto=https", null)).isTrue();
      assertThat(m.secureRequest(false, "10.1.2.3", "for=1.2.3.4;proto=http, for=10.0.0.1", "http")).isFalse();
      assertThat(m.secureRequest(false, "203.0.113.9", "proto=https", "https")).isFalse(); // not a proxy of ours
    }
    try (Monetize m = engine(TrustedProxies.none())) {
      assertThat(m.secureRequest(false, "10.1.2.3", "proto=https", "https")).isFalse();
    }
  }
}
