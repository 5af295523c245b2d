package dev.monetize.examples.analytics.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** OWASP API6: key creation and token minting have their own, tighter rates. */
class Api6UnrestrictedAccessToSensitiveBusinessFlowsTest extends OwaspSuite {
  @Test
  void keyCreationIsRateLimited() {
    int created = 0;
    ExampleUnderTest.Answer a;
    do {
      a = app.bearer("POST", "/monetize/keys", pro(), "{\"organization_id\":\"demo-pro\",\"scopes\":[\"stats:read\"]}");
      created += a.status() == 201 ? 1 : 0;
    } while (a.status() == 201 && created < 100);
    assertThat(created).isEqualTo(10);
    assertThat(a.code()).isEqualTo("rate_limited");
    assertThat(a.headers().firstValue("RateLimit-Policy").orElseThrow()).contains("\"key-creation\"");
  }

  @Test
  void tokenMintingIsRateLimited() {
    String key = app.monetize().keys().issue("demo-enterprise", java.util.Set.of("stats:read")).secret();
    int minted = 0;
    ExampleUnderTest.Answer a;
    do {
      a = app.bearer("POST", "/monetize/tokens", key, "{}");
      minted += a.status() == 200 ? 1 : 0;
    } while (a.status() == 200 && minted < 100);
    assertThat(minted).isEqualTo(30);
    assertThat(a.code()).isEqualTo("rate_limited");
  }
}
