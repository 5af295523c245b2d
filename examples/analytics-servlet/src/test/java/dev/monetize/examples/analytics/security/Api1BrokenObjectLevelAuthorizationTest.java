package dev.monetize.examples.analytics.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.keys.IssuedKey;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** OWASP API1: a key of tenant A never reads, revokes or meters anything of tenant B (404). */
class Api1BrokenObjectLevelAuthorizationTest extends OwaspSuite {
  @Test
  void anotherTenantsObjectsDoNotExistForTheCaller() {
    IssuedKey b = app.monetize().keys().issue("demo-enterprise", Set.of("*"));
    String a = pro();
    for (String[] r : new String[][] {{"GET", "/monetize/keys/" + b.key().id()},
        {"POST", "/monetize/keys/" + b.key().id() + "/revoke"}, {"POST", "/monetize/keys/" + b.key().id() + "/rotate"},
        {"GET", "/monetize/keys?organization_id=demo-enterprise"}, {"GET", "/monetize/credits?customer_id=demo-enterprise"},
        {"GET", "/monetize/organizations/demo-enterprise"}}) {
      ExampleUnderTest.Answer answer = app.bearer(r[0], r[1], a, r[0].equals("POST") ? "{}" : null);
      assertThat(answer.status()).as(r[1]).isEqualTo(404);
      assertThat(answer.code()).isEqualTo("not_found");
    }
    assertThat(app.bearer("GET", "/monetize/usage", b.secret(), null).status()).isEqualTo(200);
  }

  @Test
  void usageIsMeteredToTheCallersTenantOnly() {
    String b = app.demoKeys().get("enterprise");
    for (int i = 0; i < 3; i++) {
      assertThat(app.send("GET", "/v1/stats/summary", "X-API-Key", b, null).status()).isEqualTo(200);
    }
    // a response can reach the client just before the filter's finally has metered it
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> app.monetize().metrics().inFlight() == 0);
    app.monetize().flushUsage();
    assertThat(app.bearer("GET", "/monetize/usage", pro(), null).json().path("usage").path("requests").asLong())
        .isZero();
    assertThat(app.bearer("GET", "/monetize/usage", b, null).json().path("usage").path("requests").asLong())
        .isEqualTo(3);
  }
}
