package dev.monetize.examples.analytics.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** OWASP API4: every management call is limited, and so are bodies, pages and numbers. */
class Api4UnrestrictedResourceConsumptionTest extends OwaspSuite {
  @Test
  void bodiesPagesAndNumbersAreBounded() {
    ExampleUnderTest.Answer big = app.bearer("POST", "/monetize/keys", pro(), "{\"name\":\"" + "x".repeat(70_000) + "\"}");
    assertThat(big.status()).isEqualTo(413);
    assertThat(app.bearer("GET", "/monetize/keys?limit=1000", pro(), null).status()).isEqualTo(400);
    ExampleUnderTest.Answer huge = app.bearer("POST", "/monetize/credits", admin(),
        "{\"customer_id\":\"demo-pro\",\"amount\":\"9e999999999\"}");
    assertThat(huge.status()).isEqualTo(400);
    assertThat(huge.body().length()).isLessThan(1_000);
  }

  @Test
  void everyManagementCallIsCharged() {
    int ok = 0;
    ExampleUnderTest.Answer a;
    do {
      a = app.bearer("GET", "/monetize/invoices", pro(), null);
      ok += a.status() == 200 ? 1 : 0;
    } while (a.status() == 200 && ok < 1_000);
    assertThat(ok).isEqualTo(31); // burst 30 + 1 on a clock that stands still
    assertThat(a.status()).isEqualTo(429);
    assertThat(a.code()).isEqualTo("rate_limited");
  }
}
