package dev.monetize.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.monetize.errors.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** RFC 8725 attacks on our tokens: each must be refused with the right code. */
class TokensTest {
  private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
  private final ECKey signing = generate("k1");
  private final Tokens tokens = Tokens.builder().es256(signing).build();

  private static ECKey generate(String kid) {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
    } catch (com.nimbusds.jose.JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private String valid() {
    return tokens.mint("key_1", "acme", Set.of("stats:read"), NOW, Duration.ofMinutes(5));
  }

  private static JWTClaimsSet.Builder claims() {
    return new JWTClaimsSet.Builder().issuer("monetize").audience("monetize-api").subject("key_1")
        .claim("org", "acme").claim("scope", "stats:read")
        .issueTime(Date.from(NOW)).notBeforeTime(Date.from(NOW)).expirationTime(Date.from(NOW.plusSeconds(300)));
  }

  private static String es256(ECKey key, JOSEObjectType typ, JWTClaimsSet c) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).type(typ).build(), c);
    jwt.sign(new ECDSASigner(key));
    return JwsForm.lowS(jwt.serialize()); // as the service mints: of (r, s) and (r, n - s), the low one
  }

  private void refused(String token, ErrorCode code, String why) {
    assertThatThrownBy(() -> tokens.verify(token, NOW)).as(why).isInstanceOf(TokenException.class)
        .satisfies(e -> assertThat(((TokenException) e).code()).isEqualTo(code))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(token));
  }

  /** One spelling per token: every token minted verifies, and no other spelling of it does. */
  @Test
  void aTokenHasOneSpellingOnly() throws Exception {
    java.math.BigInteger n = new java.math.BigInteger(
        "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);
    for (int i = 0; i < 64; i++) { // about half of the raw signatures have a high s: each minted in its low form
      String token = valid();
      tokens.verify(token, NOW);
      refused(token + "=", ErrorCode.TOKEN_INVALID, "padding");
      refused(token.replace(".", "=."), ErrorCode.TOKEN_INVALID, "padding inside");
      int dot = token.lastIndexOf('.');
      byte[] rs = java.util.Base64.getUrlDecoder().decode(token.substring(dot + 1));
      byte[] high = n.subtract(new java.math.BigInteger(1, java.util.Arrays.copyOfRange(rs, 32, 64))).toByteArray();
      byte[] other = java.util.Arrays.copyOf(rs, 64);
      java.util.Arrays.fill(other, 32, 64, (byte) 0);
      System.arraycopy(high, Math.max(0, high.length - 32), other, 64 - Math.min(32, high.length), Math.min(32, high.length));
      refused(token.substring(0, dot + 1) + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(other),
          ErrorCode.TOKEN_INVALID, "(r, n - s), the other valid signature");
      char last = token.charAt(token.length() - 1); // 64 bytes end in 4 bits of the last character: 2 are spare
      char stray = "AQgw".indexOf(last) >= 0 ? (char) (last + 1) : last;
      if (stray != last) {
        refused(token.substring(0, token.length() - 1) + stray, ErrorCode.TOKEN_INVALID, "a stray bit in the last character");
      }
    }
  }

  @Test
  void aMintedTokenVerifies() throws Exception {
    TokenClaims c = tokens.verify(valid(), NOW.plusSeconds(60));
    assertThat(c.keyId()).isEqualTo("key_1");
    assertThat(c.customerId()).isEqualTo("acme");
    assertThat(c.scopes()).containsExactly("stats:read");
    assertThat(SignedJWT.parse(valid()).getHeader().getType().getType()).isEqualTo("at+jwt");
  }

  @Test
  void aTamperedPayloadIsRefused() {
    String[] parts = valid().split("\\.");
    String payload = new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8)
        .replace("stats:read", "stats:*");
    refused(parts[0] + "." + Base64URL.encode(payload) + "." + parts[2], ErrorCode.TOKEN_INVALID, "tampered scope");
  }

  @Test
  void anotherKeyWithTheSameKidIsRefused() throws Exception {
    refused(es256(generate("k1"), Tokens.TYPE, claims().build()), ErrorCode.TOKEN_INVALID, "forged with another key");
  }

  @Test
  void anUnknownKidIsRefused() throws Exception {
    refused(es256(generate("elsewhere"), Tokens.TYPE, claims().build()), ErrorCode.TOKEN_INVALID, "unknown kid");
  }

  @Test
  void algNoneIsRefused() {
    String header = Base64URL.encode("{\"alg\":\"none\",\"typ\":\"at+jwt\",\"kid\":\"k1\"}").toString();
    String body = claims().build().toPayload().toBase64URL().toString();
    refused(header + "." + body + ".", ErrorCode.TOKEN_INVALID, "alg none");
  }

  @Test
  void hmacWithThePublicKeyIsRefused() throws Exception {
    // the classic confusion: sign HS256 with the (public) EC key bytes and hope the verifier follows alg
    byte[] publicBytes = signing.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").type(Tokens.TYPE).build(),
        claims().build());
    jwt.sign(new MACSigner(publicBytes));
    refused(jwt.serialize(), ErrorCode.TOKEN_INVALID, "HS/ES confusion");
  }

  /**
   * Every JVM given the same secret or key verifies the others' tokens (a kid drawn per JVM made each
   * refuse them), and a different secret is not taken for it.
   */
  @Test
  void jvmsSharingASecretOrAKeyTakeEachOthersTokens() throws Exception {
    byte[] secret = new byte[32];
    new java.security.SecureRandom().nextBytes(secret);
    String minted = Tokens.builder().hs256(secret).build().mint("key_1", "acme", Set.of("a"), NOW, Duration.ofMinutes(1));
    assertThat(Tokens.builder().hs256(secret).build().verify(minted, NOW).keyId()).isEqualTo("key_1");
    byte[] other = secret.clone();
    other[0] ^= 1;
    assertThatThrownBy(() -> Tokens.builder().hs256(other).build().verify(minted, NOW))
        .isInstanceOf(TokenException.class);

    ECKey unnamed = new ECKeyGenerator(Curve.P_256).generate(); // no kid of its own
    String signed = Tokens.builder().es256(unnamed).build().mint("key_1", "acme", Set.of("a"), NOW,
        Duration.ofMinutes(1));
    assertThat(Tokens.builder().es256(unnamed).build().verify(signed, NOW).keyId()).isEqualTo("key_1");
  }

  /** The kid of a secret is part of the token format: old and new versions agree on it in a rolling upgrade. */
  @Test
  void theKidOfASecretIsFixedByTheSecret() throws Exception {
    byte[] secret = "monetize-test-secret-of-32-bytes".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(secret, "HmacSHA256"));
    String expected = "hs-" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
        mac.doFinal("monetize token key id".getBytes(java.nio.charset.StandardCharsets.US_ASCII))).substring(0, 22);
    assertThat(Tokens.builder().hs256(secret).build().currentKeyId()).isEqualTo(expected)
        .isEqualTo("hs-" + KNOWN_KID);
  }

  /** {@link #theKidOfASecretIsFixedByTheSecret}'s kid, written out once. */
  private static final String KNOWN_KID = "LFJvGp69vb2x5zPwFV6Ddt"; // openssl dgst -sha256 -hmac ..., base64url

  @Test
  void anHs256DeploymentRefusesEs256AndShortSecrets() throws Exception {
    byte[] secret = new byte[32];
    new java.security.SecureRandom().nextBytes(secret);
    Tokens hs = Tokens.builder().hs256(secret).build();
    String good = hs.mint("key_1", "acme", Set.of("a"), NOW, Duration.ofMinutes(1));
    assertThat(hs.verify(good, NOW).keyId()).isEqualTo("key_1");
    String kid = SignedJWT.parse(good).getHeader().getKeyID();
    SignedJWT es = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid).type(Tokens.TYPE).build(), claims().build());
    es.sign(new ECDSASigner(generate(kid)));
    assertThatThrownBy(() -> hs.verify(es.serialize(), NOW)).isInstanceOf(TokenException.class);
    assertThatThrownBy(() -> Tokens.builder().hs256(new byte[31])).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("256 bits");
  }

  @Test
  void expiredAndNotYetValidTokensAreRefusedBeyondTheSkew() throws Exception {
    String t = valid();
    assertThat(tokens.verify(t, NOW.plusSeconds(300 + 29)).keyId()).isEqualTo("key_1"); // within 30 s skew
    assertThatThrownBy(() -> tokens.verify(t, NOW.plusSeconds(300 + 31)))
        .satisfies(e -> assertThat(((TokenException) e).code()).isEqualTo(ErrorCode.TOKEN_EXPIRED));
    String future = es256(signing, Tokens.TYPE, claims().notBeforeTime(Date.from(NOW.plusSeconds(120))).build());
    refused(future, ErrorCode.TOKEN_EXPIRED, "not yet valid");
  }

  @Test
  void wrongAudienceIssuerTypeOrLifetimeIsRefused() throws Exception {
    refused(es256(signing, Tokens.TYPE, claims().audience("another-api").build()), ErrorCode.TOKEN_INVALID, "audience");
    refused(es256(signing, Tokens.TYPE, claims().issuer("evil").build()), ErrorCode.TOKEN_INVALID, "issuer");
    refused(es256(signing, JOSEObjectType.JWT, claims().build()), ErrorCode.TOKEN_INVALID, "typ JWT instead of at+jwt");
    refused(es256(signing, Tokens.TYPE, claims().expirationTime(Date.from(NOW.plus(Duration.ofDays(30)))).build()),
        ErrorCode.TOKEN_INVALID, "a month-long token");
    refused(es256(signing, Tokens.TYPE, claims().claim("org", null).build()), ErrorCode.TOKEN_INVALID, "no org");
    refused("eyJ.not.a-token", ErrorCode.TOKEN_INVALID, "garbage");
  }

  @Test
  void jkuAndX5uHeadersAreNeverFollowed() throws Exception {
    // a token that points at the attacker's key set is judged only by our own keys
    ECKey attacker = generate("k1");
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("k1").type(Tokens.TYPE)
        .jwkURL(java.net.URI.create("https://attacker.example/jwks.json"))
        .x509CertURL(java.net.URI.create("https://attacker.example/cert.pem")).build(), claims().build());
    jwt.sign(new ECDSASigner(attacker));
    refused(jwt.serialize(), ErrorCode.TOKEN_INVALID, "jku");
  }

  @Test
  void rotatedSigningKeysKeepVerifyingTheirTokens() throws Exception {
    Tokens t = Tokens.defaults();
    String before = t.mint("key_1", "acme", Set.of("a"), Instant.now(), Duration.ofMinutes(5));
    String oldKid = t.currentKeyId();
    t.rotateSigningKey();
    assertThat(t.currentKeyId()).isNotEqualTo(oldKid);
    String after = t.mint("key_1", "acme", Set.of("a"), Instant.now(), Duration.ofMinutes(5));
    assertThat(SignedJWT.parse(after).getHeader().getKeyID()).isEqualTo(t.currentKeyId());
    assertThat(t.verify(before, Instant.now()).keyId()).isEqualTo("key_1");
    assertThat(t.verify(after, Instant.now()).keyId()).isEqualTo("key_1");
  }
}
