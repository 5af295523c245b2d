package dev.monetize.examples.analytics.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** OWASP API8: secure defaults, no stack traces or versions, nothing cacheable that should not be. */
class Api8SecurityMisconfigurationTest extends OwaspSuite {
  @Test
  void errorsRevealNothingInternal() {
    for (String body : new String[] {"{", "[1,2]", "{\"scopes\":{\"a\":1}}", "\u0000"}) {
      ExampleUnderTest.Answer a = app.bearer("POST", "/monetize/keys", pro(), body);
      assertThat(a.status()).isEqualTo(400);
      assertThat(a.body()).doesNotContain("Exception").doesNotContain("at dev.").doesNotContain("jackson");
      assertThat(a.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
    }
  }

  @Test
  void defaultsAreClosed() {
    ExampleUnderTest.Answer unknown = app.send("GET", "/admin/secret", null, null, null);
    assertThat(unknown.status()).isEqualTo(404);
    ExampleUnderTest.Answer usage = app.bearer("GET", "/monetize/usage", pro(), null);
    assertThat(usage.headers().firstValue("Cache-Control")).contains("no-store");
    assertThat(usage.headers().firstValue("Server")).isEmpty();
    assertThat(app.send("GET", "/monetize/usage", "X-Forwarded-For", "10.9.9.9", null).status()).isEqualTo(401);
  }
}
