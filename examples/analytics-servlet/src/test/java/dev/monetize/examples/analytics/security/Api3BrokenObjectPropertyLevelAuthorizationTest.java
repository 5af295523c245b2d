package dev.monetize.examples.analytics.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.keys.IssuedKey;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** OWASP API3: answers never include hashes, secrets only once; no property can be set that is not offered. */
class Api3BrokenObjectPropertyLevelAuthorizationTest extends OwaspSuite {
  @Test
  void answersCarryNeitherHashesNorSecretsBeyondCreation() {
    IssuedKey k = app.monetize().keys().issue("demo-pro", Set.of("*"));
    for (String path : new String[] {"/monetize/keys", "/monetize/keys/" + k.key().id(), "/monetize/usage",
        "/monetize/organizations/demo-pro", "/monetize/credits"}) {
      String body = app.bearer("GET", path, k.secret(), null).body();
      assertThat(body).as(path).doesNotContain(k.key().secretHash()).doesNotContain(k.secret())
          .doesNotContain("hash").doesNotContain("\"secret\"");
    }
  }

  @Test
  void propertiesThatAreNotOfferedCannotBeSet() {
    for (String field : new String[] {"\"status\":\"active\"", "\"secret_hash\":\"x\"", "\"customer_id\":\"demo-enterprise\""}) {
      ExampleUnderTest.Answer a = app.bearer("POST", "/monetize/keys", pro(),
          "{\"organization_id\":\"demo-pro\",\"scopes\":[\"stats:read\"]," + field + "}");
      assertThat(a.status()).as(field).isEqualTo(400);
      assertThat(a.body()).contains("Unknown field");
    }
  }
}
