package dev.monetize.tokens;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.monetize.errors.ErrorCode;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Mints and verifies short-lived access tokens (JWT, RFC 9068 {@code typ: at+jwt}) following the
 * RFC 8725 rules: one algorithm allowed per verification key ({@code ES256} by default;
 * {@code HS256} only with a secret of at least 256 bits), {@code alg: none} and algorithm
 * confusion refused, {@code jku}/{@code x5u}/{@code jwk} headers ignored (keys are never fetched),
 * {@code typ}, {@code iss}, {@code aud}, {@code exp}, {@code nbf} and {@code iat} checked with a
 * small clock skew. Signing keys rotate: each has a {@code kid}; retired keys keep verifying the
 * tokens they signed before their retirement until those expire, and never a token issued after it
 * (a leaked retired key cannot mint new tokens).
 *
 * <p>With the default (a fresh ES256 key per instance) tokens verify only in the JVM that minted
 * them; give every JVM the same key with {@link Builder#es256(ECKey)} or {@link Builder#hs256}.
 */
public final class Tokens {
  /** The JWT {@code typ} of our access tokens. */
  public static final JOSEObjectType TYPE = new JOSEObjectType("at+jwt");

  private final String issuer;
  private final String audience;
  private final Duration defaultTtl;
  private final Duration maxTtl;
  private final Duration skew;
  private final Map<String, Verification> verifiers = new ConcurrentHashMap<>();
  private volatile Signing current;

  private record Signing(String kid, JWSAlgorithm alg, JWSSigner signer) {}

  private record Verification(JWSAlgorithm alg, JWSVerifier verifier, Instant retiredAt) {}

  private Tokens(Builder b) {
    this.issuer = b.issuer;
    this.audience = b.audience;
    this.defaultTtl = b.defaultTtl;
    this.maxTtl = b.maxTtl;
    this.skew = b.skew;
    try {
      if (b.hmacSecret != null) {
        install(hmacKeyId(b.hmacSecret), JWSAlgorithm.HS256, new MACSigner(b.hmacSecret),
            new MACVerifier(b.hmacSecret));
      } else {
        installEc(b.ecKey != null ? b.ecKey : newEcKey());
      }
    } catch (JOSEException e) {
      throw new IllegalArgumentException("cannot use the token signing key: " + e.getMessage(), e);
    }
  }

  /** Starts a builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Tokens with a fresh ES256 key and the defaults. */
  public static Tokens defaults() {
    return builder().build();
  }

  private static ECKey newEcKey() throws JOSEException {
    return new ECKeyGenerator(Curve.P_256).keyID("es-" + UUID.randomUUID()).generate();
  }

  /**
   * The kid of an HS256 secret: the same in every JVM given the secret (a random one made each JVM
   * refuse the tokens of the others), and telling nothing of it (a MAC of a fixed label under it).
   */
  private static String hmacKeyId(byte[] secret) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(secret, "HmacSHA256"));
      byte[] tag = mac.doFinal("monetize token key id".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return "hs-" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(tag).substring(0, 22);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  private void installEc(ECKey key) throws JOSEException {
    // without a kid of its own, the key's RFC 7638 thumbprint: the same in every JVM given the key
    String kid = key.getKeyID() != null ? key.getKeyID() : "es-" + key.computeThumbprint();
    install(kid, JWSAlgorithm.ES256, new ECDSASigner(key), new ECDSAVerifier(key.toPublicJWK()));
  }

  private void install(String kid, JWSAlgorithm alg, JWSSigner signer, JWSVerifier verifier) {
    install(kid, alg, signer, verifier, Instant.now());
  }

  private void install(String kid, JWSAlgorithm alg, JWSSigner signer, JWSVerifier verifier, Instant now) {
    Signing previous = current;
    verifiers.put(kid, new Verification(alg, verifier, Instant.MAX));
    current = new Signing(kid, alg, signer);
    if (previous != null) {
      Verification old = verifiers.get(previous.kid);
      verifiers.put(previous.kid, new Verification(old.alg, old.verifier, now));
    }
  }

  /**
   * Starts signing with a new ES256 key. Tokens signed by earlier keys keep verifying until they
   * expire (at most the maximum lifetime after this call); a token that claims to be issued after
   * its key's retirement is refused.
   */
  public void rotateSigningKey() {
    rotateSigningKey(Instant.now());
  }

  /** {@link #rotateSigningKey()} at {@code now} (the clock tokens are minted and verified with). */
  public synchronized void rotateSigningKey(Instant now) {
    try {
      ECKey key = newEcKey();
      install(key.getKeyID(), JWSAlgorithm.ES256, new ECDSASigner(key), new ECDSAVerifier(key.toPublicJWK()), now);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate an ES256 key: " + e.getMessage(), e);
    }
    Instant forget = now.minus(maxTtl).minus(skew);
    verifiers.entrySet().removeIf(e -> e.getValue().retiredAt.isBefore(forget));
  }

  /** The kid tokens are signed with now. */
  public String currentKeyId() {
    return current.kid;
  }

  /** The lifetime a token gets when the caller asks for none. */
  public Duration defaultTtl() {
    return defaultTtl;
  }

  /** The longest lifetime a token may have. */
  public Duration maxTtl() {
    return maxTtl;
  }

  /**
   * Mints a token for key {@code keyId} of {@code customerId} carrying {@code scopes}, valid from
   * {@code now} for {@code ttl} (capped by the maximum). Scope checks are the caller's job.
   */
  public String mint(String keyId, String customerId, Set<String> scopes, Instant now, Duration ttl) {
    return mint(keyId, java.util.Optional.empty(), customerId, scopes, now, ttl);
  }

  /**
   * Mints a token as {@link #mint(String, String, Set, Instant, Duration)} does, carrying
   * {@code keyVersion} (claim {@code kv}): which secret of the key minted it, so that the verifier
   * can let the token die when that secret is rotated out.
   */
  public String mint(String keyId, java.util.Optional<String> keyVersion, String customerId, Set<String> scopes,
      Instant now, Duration ttl) {
    Duration life = ttl.compareTo(maxTtl) > 0 ? maxTtl : ttl;
    Signing s = current;
    JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder();
    keyVersion.ifPresent(v -> builder.claim("kv", v));
    JWTClaimsSet claims = builder
        .issuer(issuer)
        .audience(audience)
        .subject(keyId)
        .claim("org", customerId)
        .claim("scope", String.join(" ", new java.util.TreeSet<>(scopes)))
        .issueTime(Date.from(now))
        .notBeforeTime(Date.from(now))
        .expirationTime(Date.from(now.plus(life)))
        .jwtID(UUID.randomUUID().toString())
        .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(s.alg).type(TYPE).keyID(s.kid).build(), claims);
    try {
      jwt.sign(s.signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("signing a token failed: " + e.getMessage(), e);
    }
    String token = jwt.serialize();
    return s.alg.equals(JWSAlgorithm.ES256) ? JwsForm.lowS(token) : token; // the one spelling verify accepts
  }

  /** Whether {@code credential} has the shape of a JWT (three base64url parts) rather than an API key. */
  public static boolean looksLikeToken(String credential) {
    return credential.startsWith("ey") && credential.indexOf('.') > 0
        && credential.indexOf('.') != credential.lastIndexOf('.');
  }

  /**
   * Verifies a token at {@code now}. Whether its key is still active is the caller's check.
   *
   * @throws TokenException {@code token_invalid} or {@code token_expired}, with a caller-safe message
   */
  public TokenClaims verify(String token, Instant now) throws TokenException {
    if (!JwsForm.canonical(token)) { // one spelling per token: padding or stray bits make no second one
      throw invalid("The token is not a signed JWT in compact form (three parts of base64url without padding).");
    }
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException e) {
      throw invalid("The token is not a signed JWT.");
    }
    JWSHeader header = jwt.getHeader();
    if (!TYPE.equals(header.getType())) {
      throw invalid("The token's typ must be at+jwt.");
    }
    if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
      throw invalid("The token has critical header parameters this service does not understand.");
    }
    Verification v = header.getKeyID() == null ? null : verifiers.get(header.getKeyID());
    if (v == null) {
      throw invalid("The token was signed by a key this service does not know.");
    }
    // the algorithm is the one allowed for this key, never the one the token claims to use
    if (!v.alg.equals(header.getAlgorithm())) {
      throw invalid("The token's algorithm is not the one allowed for its key.");
    }
    try {
      if (!jwt.verify(v.verifier)) {
        throw invalid("The token's signature does not verify.");
      }
    } catch (JOSEException e) {
      throw invalid("The token's signature does not verify.");
    }
    if (v.alg.equals(JWSAlgorithm.ES256) && !JwsForm.lowS(jwt.getSignature().decode())) {
      throw invalid("The token's signature is not the one this service minted (its s is not in the lower half).");
    }
    JWTClaimsSet c;
    try {
      c = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw invalid("The token's claims are malformed.");
    }
    if (!issuer.equals(c.getIssuer())) {
      throw invalid("The token was issued by someone else.");
    }
    if (c.getAudience() == null || !c.getAudience().contains(audience)) {
      throw invalid("The token is for another audience.");
    }
    Date exp = c.getExpirationTime();
    Date nbf = c.getNotBeforeTime();
    Date iat = c.getIssueTime();
    if (exp == null || nbf == null || iat == null || c.getSubject() == null) {
      throw invalid("The token lacks exp, nbf, iat or sub.");
    }
    if (iat.toInstant().isAfter(v.retiredAt)) {
      // only someone holding a retired signing key can produce this
      throw invalid("The token was issued after its signing key was retired.");
    }
    if (!now.isBefore(exp.toInstant().plus(skew))) {
      throw new TokenException(ErrorCode.TOKEN_EXPIRED, "The token expired at " + exp.toInstant() + ".");
    }
    if (now.plus(skew).isBefore(nbf.toInstant()) || now.plus(skew).isBefore(iat.toInstant())) {
      throw new TokenException(ErrorCode.TOKEN_EXPIRED, "The token is not valid before " + nbf.toInstant() + ".");
    }
    if (Duration.between(iat.toInstant(), exp.toInstant()).compareTo(maxTtl.plus(skew)) > 0) {
      throw invalid("The token lives longer than this service allows.");
    }
    Object org = c.getClaim("org");
    Object scope = c.getClaim("scope");
    Object kv = c.getClaim("kv");
    if (!(org instanceof String o) || !(scope instanceof String sc) || c.getJWTID() == null
        || (kv != null && !(kv instanceof String))) {
      throw invalid("The token lacks its organization, scopes or id.");
    }
    Set<String> scopes = new LinkedHashSet<>(Arrays.asList(sc.trim().split(" +")));
    scopes.remove("");
    return new TokenClaims(c.getSubject(), o, scopes, exp.toInstant(), iat.toInstant(), c.getJWTID(),
        java.util.Optional.ofNullable((String) kv));
  }

  private static TokenException invalid(String message) {
    return new TokenException(ErrorCode.TOKEN_INVALID, message);
  }

  /** The kids that verify now (for operators and tests). */
  public List<String> verificationKeyIds() {
    return new ArrayList<>(verifiers.keySet());
  }

  /** Builder of {@link Tokens}. */
  public static final class Builder {
    private String issuer = "monetize";
    private String audience = "monetize-api";
    private Duration defaultTtl = Duration.ofMinutes(5);
    private Duration maxTtl = Duration.ofMinutes(60);
    private Duration skew = Duration.ofSeconds(30);
    private byte[] hmacSecret;
    private ECKey ecKey;

    private Builder() {}

    /** {@code iss} of minted tokens and the only one accepted (default {@code monetize}). */
    public Builder issuer(String iss) {
      this.issuer = Objects.requireNonNull(iss, "iss");
      return this;
    }

    /** {@code aud} of minted tokens and the one required (default {@code monetize-api}). */
    public Builder audience(String aud) {
      this.audience = Objects.requireNonNull(aud, "aud");
      return this;
    }

    /** Lifetime when the caller asks for none (default 5 min). */
    public Builder defaultTtl(Duration ttl) {
      this.defaultTtl = Objects.requireNonNull(ttl, "ttl");
      return this;
    }

    /** Longest lifetime (default 60 min). */
    public Builder maxTtl(Duration ttl) {
      this.maxTtl = Objects.requireNonNull(ttl, "ttl");
      return this;
    }

    /** Clock skew tolerated on {@code exp}, {@code nbf} and {@code iat} (default 30 s). */
    public Builder clockSkew(Duration d) {
      this.skew = Objects.requireNonNull(d, "d");
      return this;
    }

    /** Sign with this ES256 key (share it between JVMs so that each verifies the others' tokens). */
    public Builder es256(ECKey key) {
      if (!Curve.P_256.equals(key.getCurve()) || !key.isPrivate()) {
        throw new IllegalArgumentException("ES256 needs a private key on curve P-256");
      }
      this.ecKey = key;
      this.hmacSecret = null;
      return this;
    }

    /** Sign with HS256 and this shared secret, at least 32 bytes (256 bits). */
    public Builder hs256(byte[] secret) {
      if (secret == null || secret.length < 32) {
        throw new IllegalArgumentException("HS256 needs a secret of at least 256 bits (32 bytes)");
      }
      this.hmacSecret = secret.clone();
      this.ecKey = null;
      return this;
    }

    /** Builds. */
    public Tokens build() {
      if (defaultTtl.compareTo(maxTtl) > 0) {
        throw new IllegalArgumentException("the default token lifetime exceeds the maximum");
      }
      return new Tokens(this);
    }
  }
}
