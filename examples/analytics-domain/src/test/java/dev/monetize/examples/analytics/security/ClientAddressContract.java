package dev.monetize.examples.analytics.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.audit.AuditEvent;
import dev.monetize.audit.AuditSink;
import dev.monetize.audit.InMemoryAuditSink;
import dev.monetize.http.TrustedProxies;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Finding 7 of the authority issue: the adapter reports the real client address (the JAX-RS
 * adapter passed an empty one), and forwarding headers count only from a trusted proxy.
 */
public abstract class ClientAddressContract {
  /** Starts the example with these proxies trusted and audit going to {@code audit}. */
  protected abstract ExampleUnderTest start(TrustedProxies proxies, AuditSink audit) throws Exception;

  private List<String> addressesSeen(TrustedProxies proxies, String header, String value) throws Exception {
    InMemoryAuditSink audit = AuditSink.inMemory();
    try (ExampleUnderTest app = start(proxies, audit)) {
      String key = app.demoKeys().get("pro");
      app.send("GET", "/v1/stats/summary", "X-API-Key", key, null);
      ExampleUnderTest.Answer usage = header == null ? app.bearer("GET", "/monetize/usage", key, null)
          : app.send("GET", "/monetize/usage", "X-Forwarded-For", value, null);
      assertThat(usage.status()).isIn(200, 401);
      if (header != null) {
        app.send("GET", "/v1/stats/summary", header, value, null);
      }
      // a refusal is audited just after its answer is written: wait for both events
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
        app.monetize().flushAudit();
        return audit.events().size() >= (header == null ? 2 : 3);
      });
      return audit.events().stream().map(AuditEvent::remoteAddress).distinct().toList();
    }
  }

  @Test
  void finding7_theClientAddressIsTheConnectionsPeer() throws Exception {
    assertThat(addressesSeen(TrustedProxies.none(), null, null)).containsExactly("127.0.0.1");
  }

  @Test
  void forwardingHeadersOfAnUntrustedPeerAreIgnored() throws Exception {
    assertThat(addressesSeen(TrustedProxies.none(), "X-Forwarded-For", "203.0.113.7")).containsExactly("127.0.0.1");
    assertThat(addressesSeen(TrustedProxies.parse("10.0.0.0/8"), "Forwarded", "for=203.0.113.7"))
        .containsExactly("127.0.0.1");
  }

  @Test
  void aTrustedProxyNamesTheClient() throws Exception {
    assertThat(addressesSeen(TrustedProxies.parse("127.0.0.1/32"), "X-Forwarded-For", "203.0.113.7"))
        .contains("203.0.113.7");
    assertThat(addressesSeen(TrustedProxies.parse("127.0.0.0/8"), "X-Forwarded-For",
        "198.51.100.4, 127.0.0.2")).contains("198.51.100.4");
    assertThat(addressesSeen(TrustedProxies.parse("127.0.0.0/8").withForwardedHeader(), "Forwarded",
        "for=198.51.100.4;proto=https, for=127.0.0.2")).contains("198.51.100.4");
  }

  @Test
  void onlyTheHeaderTheProxiesWriteIsRead() throws Exception {
    // the proxy appends X-Forwarded-For and passes a client's own Forwarded through untouched
    assertThat(addressesSeen(TrustedProxies.parse("127.0.0.1/32"), "Forwarded", "for=1.2.3.4"))
        .containsExactly("127.0.0.1");
  }
}
