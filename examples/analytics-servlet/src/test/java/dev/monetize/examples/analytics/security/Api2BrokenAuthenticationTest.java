package dev.monetize.examples.analytics.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.keys.ApiKeys;
import dev.monetize.keys.IssuedKey;
import dev.monetize.keys.KeyEnvironment;
import dev.monetize.keys.KeyRequest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** OWASP API2: bad, expired, revoked, rotated-out, wrong-environment keys and tampered tokens are refused. */
class Api2BrokenAuthenticationTest extends OwaspSuite {
  private void refused(String credential, String code) {
    ExampleUnderTest.Answer a = app.send("GET", "/v1/stats/summary", "X-API-Key", credential, null);
    assertThat(a.status()).as(code).isEqualTo(401);
    assertThat(a.code()).isEqualTo(code);
    assertThat(a.headers().firstValue("WWW-Authenticate")).isPresent();
  }

  @Test
  void everyKindOfBadCredentialIsRefused() {
    var m = app.monetize();
    IssuedKey revoked = m.keys().issue("demo-pro", Set.of("*"));
    m.keys().revoke(revoked.key().id());
    IssuedKey rotated = m.keys().issue("demo-pro", Set.of("*"));
    m.keys().rotate(rotated.key().id(), Duration.ZERO);
    IssuedKey expiring = m.keys().issue(KeyRequest.of("demo-pro", Set.of("*")).expiresAt(Optional.of(
        time.now().plusSeconds(10))));
    time.advance(Duration.ofSeconds(11));
    refused(revoked.secret(), "key_revoked");
    refused(rotated.secret(), "key_rotated");
    refused(expiring.secret(), "key_expired");
    refused(ApiKeys.newSecret(KeyEnvironment.LIVE, new SecureRandom()), "key_wrong_environment");
    refused(ApiKeys.newSecret(KeyEnvironment.TEST, new SecureRandom()), "key_invalid");
    String token = app.bearer("POST", "/monetize/tokens", pro(), "{}").json().path("token").asText();
    char last = token.charAt(token.length() - 5);
    refused(token.substring(0, token.length() - 5) + (last == 'A' ? 'B' : 'A') + token.substring(token.length() - 4),
        "token_invalid");
  }

  @Test
  void aFloodOfMalformedKeysNeverReachesTheStore() {
    long before = app.monetize().metrics().malformedKeyRefusals();
    for (int i = 0; i < 50; i++) {
      refused("mk_test_notakey" + i, "key_invalid");
    }
    assertThat(app.monetize().metrics().malformedKeyRefusals() - before).isEqualTo(50);
  }
}
