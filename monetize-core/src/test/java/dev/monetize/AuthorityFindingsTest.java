package dev.monetize;

import dev.monetize.management.ManagementApi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.audit.AuditEvent;
import dev.monetize.audit.AuditSink;
import dev.monetize.audit.InMemoryAuditSink;
import dev.monetize.errors.ErrorCode;
import dev.monetize.keys.ApiKey;
import dev.monetize.keys.IssuedKey;
import dev.monetize.keys.KeyStore;
import dev.monetize.keys.ScopeEscalationException;
import dev.monetize.management.ManagementLimits;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import dev.monetize.tokens.Tokens;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Findings 6 and 8 of the authority issue (found by reading the code), the reserved-scope rules for
 * keys issued in code, and the count caps of the management plane.
 */
class AuthorityFindingsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-12-01T10:00:00Z"));
  private final KeyStore store = KeyStore.inMemory();
  private final InMemoryAuditSink audit = AuditSink.inMemory();
  private final Tokens tokens = Tokens.builder().hs256(new byte[32]).build();
  private final Operation stats = Operation.builder("stats", "GET", "/stats").scope("stats:read").build();
  private final Operation export = Operation.builder("export", "GET", "/export").scope("export:read").build();
  private Monetize monetize = build(ManagementLimits.custom().perKey(ManagementLimits.unlimited())
      .perOrganization(ManagementLimits.unlimited()).build());

  private Monetize build(ManagementLimits limits) {
    Catalog catalog = Catalog.builder()
        .plan(Plan.builder("pro").rank(1).rate(Rate.perSecond(1000).withBurst(1000)).quota(Quota.daily(100_000))
            .scopes("*").build())
        .plan(Plan.builder("payg").rank(2).rate(Rate.perSecond(1000).withBurst(1000)).quota(Quota.daily(100_000)).scopes("*")
            .prepaid(true).build())
        .operation(stats).operation(export).build();
    Monetize m = Monetize.builder().catalog(catalog).timeSource(time).keyStore(store).keyCacheTtl(Duration.ZERO)
        .tokens(tokens).auditSink(audit).managementLimits(limits).build();
    m.customers().save(Customer.of("acme", "pro"));
    m.customers().save(Customer.of("ops", "pro"));
    m.customers().save(Customer.of("payer", "payg")); // its wallet is topped up
    return m;
  }

  /** The stats and export operations on a lower and a higher plan. */
  private Catalog twoPlans(Plan lower, Plan higher) {
    return Catalog.builder().plan(lower).plan(higher).operation(stats).operation(export).build();
  }

  /** An engine on {@code catalog} with this test's stores, no management rates, and that key cache TTL. */
  private Monetize engine(Catalog catalog, Duration keyCacheTtl) {
    return Monetize.builder().catalog(catalog).timeSource(time).keyStore(store).keyCacheTtl(keyCacheTtl)
        .tokens(tokens).auditSink(audit).managementLimits(ManagementLimits.custom().perKey(ManagementLimits.unlimited())
            .perOrganization(ManagementLimits.unlimited()).build()).build();
  }

  @AfterEach
  void close() {
    monetize.close();
  }

  private ManagementApi.Response call(String method, String path, String credential, String body) {
    return ManagementCalls.call(monetize, method, path, credential, body);
  }

  private JsonNode json(ManagementApi.Response r) throws Exception {
    return JSON.readTree(r.body());
  }

  private Decision admit(Operation op, String credential) {
    return monetize.admit(op, ApiRequest.of("GET", op.pathTemplate(), "10.0.0.1", "r", "Bearer " + credential, null))
        .decision();
  }

  private String token(String secret, String body) throws Exception {
    ManagementApi.Response r = call("POST", "/monetize/tokens", secret, body);
    assertThat(r.status()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    return json(r).path("token").asText();
  }

  /** A scope refusal names the credential that lacks the scope: the token, not its key (which may hold it). */
  @Test
  void aScopeRefusalNamesTheTokenThatLacksTheScopeNotItsKey() throws Exception {
    IssuedKey key = monetize.keys().issue("acme", Set.of("*"));
    String token = token(key.secret(), "{\"scopes\":[\"stats:read\"],\"ttl_seconds\":300}");
    Decision d = admit(export, token);
    assertThat(d.error()).contains(ErrorCode.SCOPE_DENIED);
    assertThat(d.detail()).startsWith("Operation 'export' requires scope 'export:read', which the token ")
        .endsWith(" (of key " + key.key().id() + ") does not hold.");
    IssuedKey narrow = monetize.keys().issue("acme", Set.of("stats:read"));
    assertThat(admit(export, narrow.secret()).detail())
        .isEqualTo("Operation 'export' requires scope 'export:read', which key " + narrow.key().id() + " does not hold.");
  }

  @Test
  void finding6_aRetiredSigningKeyNeverVerifiesATokenIssuedAfterItsRetirement() throws Exception {
    // someone kept the old signing secret and signs a token dated after the rotation
    Tokens t = Tokens.builder().hs256(new byte[32]).build();
    String kidBefore = t.currentKeyId();
    Instant rotation = Instant.parse("2026-12-01T10:00:00Z");
    String before = t.mint("key_1", "acme", Set.of("a"), rotation.minusSeconds(10), Duration.ofMinutes(5));
    t.rotateSigningKey(rotation);
    assertThat(t.verify(before, rotation.plusSeconds(5)).keyId()).isEqualTo("key_1");
    // same secret, same kid as the retired key, issued after the retirement
    String forged = forge(kidBefore, rotation.plusSeconds(20));
    assertThat(t.verify(forge(kidBefore, rotation.minusSeconds(20)), rotation.plusSeconds(30)).keyId())
        .isEqualTo("key_1"); // the same forgery dated before the retirement passes: the date is what is refused
    assertThatThrownBy(() -> t.verify(forged, rotation.plusSeconds(30)))
        .hasMessageContaining("issued after its signing key was retired");
  }

  private static String forge(String kid, Instant iat) throws Exception {
    var claims = new com.nimbusds.jwt.JWTClaimsSet.Builder().issuer("monetize").audience("monetize-api")
        .subject("key_1").claim("org", "acme").claim("scope", "a").jwtID("j")
        .issueTime(java.util.Date.from(iat)).notBeforeTime(java.util.Date.from(iat))
        .expirationTime(java.util.Date.from(iat.plusSeconds(60))).build();
    var jwt = new com.nimbusds.jwt.SignedJWT(new com.nimbusds.jose.JWSHeader.Builder(
        com.nimbusds.jose.JWSAlgorithm.HS256).type(Tokens.TYPE).keyID(kid).build(), claims);
    jwt.sign(new com.nimbusds.jose.crypto.MACSigner(new byte[32]));
    return jwt.serialize();
  }

  @Test
  void finding6_aTokenNeverHoldsMoreThanItsKeyHoldsNow() throws Exception {
    IssuedKey key = monetize.keys().issue("acme", Set.of("stats:read", "export:read"));
    String token = token(key.secret(), "{}");
    assertThat(admit(export, token).admitted()).isTrue();
    ApiKey narrowed = key.key();
    store.save(new ApiKey(narrowed.id(), narrowed.customerId(), narrowed.projectId(), narrowed.secretHash(),
        Set.of("stats:read"), narrowed.environment(), narrowed.status(), narrowed.createdAt(), narrowed.expiresAt(),
        narrowed.previousSecretHash(), narrowed.previousValidUntil(), narrowed.limitOverrides()));
    assertThat(admit(stats, token).admitted()).isTrue();
    Decision d = admit(export, token);
    assertThat(d.error()).contains(ErrorCode.SCOPE_DENIED);
    assertThat(admit(stats, token).principal().orElseThrow().scopes()).containsExactly("stats:read");
  }

  @Test
  void finding6_tokensOfARotatedKeyDieWhenItsOverlapEnds() throws Exception {
    IssuedKey key = monetize.keys().issue("acme", Set.of("stats:read"));
    String token = token(key.secret(), "{\"ttl_seconds\":3600}");
    IssuedKey rotated = monetize.keys().rotate(key.key().id(), Duration.ofSeconds(60)).orElseThrow();
    // the old secret still calls the API inside the overlap, but mints nothing that could outlive it
    assertThat(call("POST", "/monetize/tokens", key.secret(), "{}").status()).isEqualTo(401);
    String newToken = token(rotated.secret(), "{\"ttl_seconds\":3600}");
    assertThat(admit(stats, token).admitted()).isTrue();
    time.advance(Duration.ofSeconds(61));
    assertThat(admit(stats, token).error()).contains(ErrorCode.KEY_ROTATED);
    assertThat(admit(stats, newToken).admitted()).isTrue();
    // a second rotation retires the first secret's tokens for good
    monetize.keys().rotate(key.key().id(), Duration.ZERO);
    assertThat(admit(stats, newToken).error()).contains(ErrorCode.KEY_ROTATED);
  }

  @Test
  void finding8_managementEventsNameTheActorTheTargetsAndWhatChanged() throws Exception {
    IssuedKey operator = monetize.keys().issueOperatorKey("ops");
    IssuedKey admin = monetize.keys().issue("acme", Set.of("*"));
    JsonNode created = json(call("POST", "/monetize/keys", admin.secret(),
        "{\"organization_id\":\"acme\",\"scopes\":[\"stats:read\"],\"limits\":{\"rate\":10}}"));
    String createdSecret = created.path("secret").asText();
    call("POST", "/monetize/keys/" + created.path("id").asText() + "/rotate", admin.secret(), "{\"overlap_seconds\":5}");
    call("POST", "/monetize/credits", operator.secret(), "{\"customer_id\":\"payer\",\"amount\":\"12.50\"}");
    String token = token(admin.secret(), "{}");
    call("POST", "/monetize/keys", token, "{\"organization_id\":\"acme\",\"scopes\":[\"stats:read\"]}");
    monetize.flushAudit();
    AuditEvent create = event("monetize.key_create", "admitted");
    assertThat(create.keyId()).contains(admin.key().id());
    assertThat(create.details()).containsEntry("credential", "key").containsEntry("target_organization", "acme")
        .containsEntry("created_key", created.path("id").asText()).containsEntry("scopes", "stats:read")
        .containsEntry("limits", "{rate=10}");
    AuditEvent rotate = event("monetize.key_rotate", "admitted");
    assertThat(rotate.details()).containsEntry("target_key", created.path("id").asText())
        .containsEntry("overlap_seconds", "5");
    AuditEvent topUp = event("monetize.credits_top_up", "admitted");
    assertThat(topUp.keyId()).contains(operator.key().id());
    assertThat(topUp.details()).containsEntry("target_organization", "payer").containsEntry("amount", "12.50");
    AuditEvent refused = event("monetize.key_create", "token_not_allowed");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.details()).containsEntry("credential", "token").containsKey("token_id");
    String everything = audit.events().toString();
    for (String secret : new String[] {operator.secret(), admin.secret(), createdSecret, token,
        admin.key().secretHash(), operator.key().secretHash()}) {
      assertThat(everything).doesNotContain(secret);
    }
  }

  /**
   * A caller probing another organization's key, project or organization finds in its own trail what
   * a made-up id leaves there (no owner, no target), and a secret pasted into a path is not kept.
   */
  @Test
  void anotherTenantsObjectsLeaveTheTraceOfAMissingIdAndAPastedSecretIsRedacted() throws Exception {
    IssuedKey admin = monetize.keys().issue("acme", Set.of("*"));
    IssuedKey theirs = monetize.keys().issue("ops", Set.of("*"));
    String project = monetize.keys().createProject("ops", "p", Set.of("stats:read")).id();
    String[][] probes = {
        {"GET", "/monetize/keys/" + theirs.key().id(), "", "GET", "/monetize/keys/key_doesnotexist00", ""},
        {"POST", "/monetize/keys", "{\"organization_id\":\"ops\",\"project_id\":\"" + project
            + "\",\"scopes\":[\"stats:read\"]}", "POST", "/monetize/keys",
            "{\"organization_id\":\"nobody\",\"project_id\":\"prj_nope\",\"scopes\":[\"stats:read\"]}"}};
    for (String[] probe : probes) {
      ManagementApi.Response real = call(probe[0], probe[1], admin.secret(), probe[2]);
      ManagementApi.Response made = call(probe[3], probe[4], admin.secret(), probe[5]);
      assertThat(real.status()).as(probe[1]).isEqualTo(made.status()).isEqualTo(404);
    }
    for (String org : new String[] {"ops", "nobody"}) {
      assertThat(monetize.managementApi().handle(new ManagementApi.Request("GET", "/monetize/usage",
          Map.of("customer_id", org), Optional.of("Bearer " + admin.secret()), Optional.empty(), new byte[0],
          "10.0.0.9", "usage-" + org)).status()).isEqualTo(404);
    }
    monetize.flushAudit();
    java.util.List<AuditEvent> mine = audit.events().stream()
        .filter(e -> e.keyId().equals(Optional.of(admin.key().id()))).toList();
    assertThat(mine).hasSize(6);
    for (AuditEvent e : mine) { // what a made-up id leaves: the credential, or a count of refusals
      assertThat(e.details()).as(e.path()).doesNotContainKeys("target_organization", "target_project", "target_key");
      assertThat(e.details().values()).as(e.path()).doesNotContain("ops", project, theirs.key().id());
    }
    call("GET", "/monetize/keys/" + theirs.secret(), admin.secret(), "");
    call("GET", "/monetize/keys/" + admin.secret(), admin.secret(), "");
    monetize.flushAudit();
    assertThat(audit.events()).filteredOn(e -> e.operationId().equals("monetize.key_get") && e.status() == 404)
        .extracting(AuditEvent::path).contains("/monetize/keys/[redacted]")
        .noneMatch(path -> path.contains(theirs.secret()) || path.contains(admin.secret()));
  }

  /**
   * A key or token sent in the wrong place (as a query parameter's name, as the value of one kept in
   * clear, as a scope, as a top-up's id) is not kept in the trail, where the organization's
   * administrators and every export would read it.
   */
  @Test
  void aSecretSentInTheWrongPlaceIsNotKeptInTheTrail() throws Exception {
    IssuedKey operator = monetize.keys().issueOperatorKey("ops");
    IssuedKey admin = monetize.keys().issue("acme", Set.of("*"));
    IssuedKey theirs = monetize.keys().issue("ops", Set.of("*"));
    String secret = theirs.secret();
    String token = token(theirs.secret(), "{}");
    for (String pasted : new String[] {secret, token}) {
      for (Map<String, String> query : java.util.List.of(Map.of(pasted, "1"), Map.of("customer_id", pasted))) {
        ManagementApi.Response r = monetize.managementApi().handle(new ManagementApi.Request("GET", "/monetize/usage",
            query, Optional.of("Bearer " + admin.secret()), Optional.empty(), new byte[0], "10.0.0.9", "q"));
        assertThat(r.status()).isIn(400, 404);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).doesNotContain(pasted);
      }
      ManagementApi.Response scope = call("POST", "/monetize/keys", admin.secret(),
          "{\"organization_id\":\"acme\",\"scopes\":[\"" + pasted + "\"]}");
      assertThat(scope.status()).isEqualTo(400);
      assertThat(new String(scope.body(), StandardCharsets.UTF_8)).contains("holds an API key or a token")
          .doesNotContain(pasted);
      ManagementApi.Response topUp = call("POST", "/monetize/credits", operator.secret(),
          "{\"customer_id\":\"payer\",\"amount\":\"1.00\",\"id\":\"" + secret + "\",\"note\":\"paid with " + secret
              + "\"}"); // a key as the entry's id (the caller's to choose), and in its note
      assertThat(topUp.status()).as(new String(topUp.body(), StandardCharsets.UTF_8)).isIn(200, 201); // 200: a replay
    }
    monetize.flushAudit();
    assertThat(audit.events()).filteredOn(e -> e.operationId().equals("monetize.credits_top_up")).isNotEmpty();
    String everything = audit.events().toString();
    assertThat(everything).doesNotContain(secret).doesNotContain(token);
  }

  private AuditEvent event(String operation, String decision) {
    return audit.events().stream().filter(e -> e.operationId().equals(operation) && e.decision().equals(decision))
        .findFirst().orElseThrow(() -> new AssertionError("no " + operation + " " + decision + " in " + audit.events()));
  }

  @Test
  void reservedScopesNeverEnterACustomersKeyOrProjectIssuedInCode() {
    assertThatThrownBy(() -> monetize.keys().issue("acme", Set.of("monetize:admin")))
        .isInstanceOf(ScopeEscalationException.class).hasMessageContaining("reserved");
    assertThatThrownBy(() -> monetize.keys().createProject("acme", "p", Set.of("monetize:admin")))
        .isInstanceOf(ScopeEscalationException.class);
    assertThatThrownBy(() -> monetize.keys().issue("acme", Set.of("monetize:*")))
        .hasMessageContaining("one by one");
    IssuedKey star = monetize.keys().issue("acme", Set.of("*"));
    assertThat(call("POST", "/monetize/organizations", star.secret(), "{\"name\":\"x\",\"plan\":\"pro\"}").status())
        .isEqualTo(403);
    IssuedKey operator = monetize.keys().issueOperatorKey("ops");
    // the operator grants the reserved scope only inside its own organization
    assertThat(call("POST", "/monetize/keys", operator.secret(),
        "{\"organization_id\":\"acme\",\"scopes\":[\"monetize:admin\"]}").status()).isEqualTo(403);
    assertThat(call("POST", "/monetize/keys", operator.secret(),
        "{\"organization_id\":\"ops\",\"scopes\":[\"monetize:admin\"]}").status()).isEqualTo(201);
  }

  @Test
  void creationIsCappedInCountPerOrganization() throws Exception {
    monetize.close();
    monetize = build(ManagementLimits.custom().perKey(ManagementLimits.unlimited())
        .perOrganization(ManagementLimits.unlimited()).keyCreation(ManagementLimits.unlimited())
        .maxKeysPerOrganization(3).maxProjectsPerOrganization(1).maxOrganizations(4).build()); // acme, ops, payer: one more
    IssuedKey admin = monetize.keys().issue("acme", Set.of("*")); // acme holds 1 key
    String body = "{\"organization_id\":\"acme\",\"scopes\":[\"stats:read\"]}";
    assertThat(call("POST", "/monetize/keys", admin.secret(), body).status()).isEqualTo(201);
    JsonNode third = json(call("POST", "/monetize/keys", admin.secret(), body));
    ManagementApi.Response full = call("POST", "/monetize/keys", admin.secret(), body);
    assertThat(full.status()).isEqualTo(429);
    assertThat(json(full).path("code").asText()).isEqualTo("count_limit_reached");
    assertThat(full.headers()).contains(new dev.monetize.http.Header("RateLimit", "\"keys\";r=0"));
    // a revoked key frees its place
    call("POST", "/monetize/keys/" + third.path("id").asText() + "/revoke", admin.secret(), "");
    assertThat(call("POST", "/monetize/keys", admin.secret(), body).status()).isEqualTo(201);
    String project = "{\"organization_id\":\"acme\",\"name\":\"p\"}";
    assertThat(call("POST", "/monetize/projects", admin.secret(), project).status()).isEqualTo(201);
    assertThat(call("POST", "/monetize/projects", admin.secret(), project).status()).isEqualTo(429);
    IssuedKey operator = monetize.keys().issueOperatorKey("ops");
    String org = "{\"name\":\"n\",\"plan\":\"pro\"}";
    assertThat(call("POST", "/monetize/organizations", operator.secret(), org).status()).isEqualTo(201);
    assertThat(call("POST", "/monetize/organizations", operator.secret(), org).status()).isEqualTo(429);
  }

  @Test
  void review_theOldSecretOfARotatedKeyCannotManageKeysDuringTheOverlap() {
    IssuedKey key = monetize.keys().issue("acme", Set.of("*"));
    IssuedKey rotated = monetize.keys().rotate(key.key().id(), Duration.ofHours(1)).orElseThrow();
    assertThat(call("GET", "/monetize/usage", key.secret(), "").status()).isEqualTo(200);
    ManagementApi.Response back = call("POST", "/monetize/keys/" + key.key().id() + "/rotate", key.secret(),
        "{\"overlap_seconds\":0}");
    assertThat(back.status()).isEqualTo(401);
    assertThat(call("POST", "/monetize/keys", key.secret(), "{\"organization_id\":\"acme\",\"scopes\":[\"*\"]}")
        .status()).isEqualTo(401);
    assertThat(admit(stats, rotated.secret()).admitted()).isTrue();
  }

  /**
   * A key with limits of its own creates no keys: each would have its limits and a counter of its own
   * (a daily 2 made two calls a day per key created). A limit the operator raised is no such limit.
   */
  @Test
  void review_aLimitedKeyCreatesNoKeysItsHolderWouldSpendItsLimitsOncePerKey() throws Exception {
    IssuedKey limited = monetize.keys().issue(dev.monetize.keys.KeyRequest.of("acme", Set.of("*"))
        .limits(Map.of("rate", 10L)));
    ManagementApi.Response refused = call("POST", "/monetize/keys", limited.secret(),
        "{\"organization_id\":\"acme\",\"scopes\":[\"stats:read\"]}");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(json(refused).path("code").asText()).isEqualTo("scope_escalation");
    assertThat(json(refused).path("detail").asText()).contains("'rate' limit of its own (10)");
    ManagementApi.Response more = call("POST", "/monetize/keys", limited.secret(),
        "{\"organization_id\":\"acme\",\"scopes\":[\"stats:read\"],\"limits\":{\"rate\":5}}");
    assertThat(more.status()).isEqualTo(403);
    IssuedKey raised = monetize.keys().issue(dev.monetize.keys.KeyRequest.of("acme", Set.of("*"))
        .limits(Map.of("rate", 5_000L)));
    JsonNode made = json(call("POST", "/monetize/keys", raised.secret(),
        "{\"organization_id\":\"acme\",\"scopes\":[\"stats:read\"]}"));
    assertThat(made.path("limits").size()).isZero(); // a raise is not passed on: the plan's limits, as they change
    IssuedKey operator = monetize.keys().issueOperatorKey("ops");
    assertThat(call("POST", "/monetize/keys", operator.secret(),
        "{\"organization_id\":\"acme\",\"scopes\":[\"stats:read\"],\"limits\":{\"rate\":10}}").status())
        .isEqualTo(201);
  }

  /**
   * A restriction stays one whatever the plan: a plan change that leaves a key's limit at or above the
   * plan's does not let it create keys (each would have the limit again, with a counter of its own,
   * binding once the plan moves back), and a raise keeps its holder creating keys after an upgrade.
   */
  @Test
  void aRestrictedKeyCreatesNoKeysOnAnyPlanAndARaisedOneOnEvery() throws Exception {
    monetize.close();
    Catalog catalog = twoPlans(
        Plan.builder("small").rank(0).rate(Rate.perSecond(50).withBurst(50)).quota(Quota.daily(1_000))
            .scopes("*").build(),
        Plan.builder("large").rank(1).rate(Rate.perSecond(500).withBurst(500)).quota(Quota.daily(100_000))
            .scopes("*").build());
    monetize = engine(catalog, Duration.ZERO);
    monetize.customers().save(Customer.of("acme", "large"));
    monetize.customers().save(Customer.of("ops", "large"));
    IssuedKey operator = monetize.keys().issueOperatorKey("ops");
    String restrictedSecret = json(call("POST", "/monetize/keys", operator.secret(),
        "{\"organization_id\":\"acme\",\"scopes\":[\"*\"],\"limits\":{\"daily\":5000}}")).path("secret").asText();
    String body = "{\"organization_id\":\"acme\",\"scopes\":[\"stats:read\"]}";
    assertThat(call("POST", "/monetize/keys", restrictedSecret, body).status()).isEqualTo(403);
    monetize.customers().save(Customer.of("acme", "small")); // its daily 5000 is above small's 1000 now
    assertThat(call("POST", "/monetize/keys", restrictedSecret, body).status()).isEqualTo(403);

    monetize.customers().save(Customer.of("acme", "small"));
    String raisedSecret = json(call("POST", "/monetize/keys", operator.secret(),
        "{\"organization_id\":\"acme\",\"scopes\":[\"*\"],\"limits\":{\"daily\":5000}}")).path("secret").asText();
    assertThat(call("POST", "/monetize/keys", raisedSecret, body).status()).isEqualTo(201);
    monetize.customers().save(Customer.of("acme", "large")); // the raise is below large's 100000 now
    assertThat(call("POST", "/monetize/keys", raisedSecret, body).status()).isEqualTo(201);
  }

  /**
   * A key holds no power its organization's plan withholds now: after a downgrade to a plan without
   * management scopes, a {@code *} key issued on the richer plan manages nothing and mints tokens of the
   * new plan's scopes only; an upgrade gives back what it was issued with.
   */
  @Test
  void aDowngradeNarrowsTheScopesOfKeysIssuedOnTheRicherPlanAtOnce() throws Exception {
    monetize.close();
    Catalog catalog = twoPlans(
        Plan.builder("free").rank(0).rate(Rate.perSecond(10).withBurst(10)).quota(Quota.daily(1_000))
            .scopes("stats:read").build(),
        Plan.builder("pro").rank(1).rate(Rate.perSecond(1000).withBurst(1000)).quota(Quota.daily(100_000))
            .scopes("*").build());
    // verified keys are remembered (a TTL): the plan change reaches the remembered admission too
    monetize = engine(catalog, Duration.ofSeconds(30));
    monetize.customers().save(Customer.of("acme", "pro"));
    IssuedKey admin = monetize.keys().issue("acme", Set.of("*"));
    assertThat(admit(stats, admin.secret()).admitted()).isTrue(); // verified and remembered on pro
    String body = "{\"organization_id\":\"acme\",\"scopes\":[\"stats:read\"]}";
    assertThat(call("POST", "/monetize/keys", admin.secret(), body).status()).isEqualTo(201);

    monetize.customers().save(Customer.of("acme", "free"));
    ManagementApi.Response create = call("POST", "/monetize/keys", admin.secret(), body);
    assertThat(create.status()).isEqualTo(403);
    ManagementApi.Response listed = call("GET", "/monetize/keys", admin.secret(), "");
    assertThat(listed.status()).as(new String(listed.body(), StandardCharsets.UTF_8)).isEqualTo(403);
    assertThat(call("GET", "/monetize/audit", admin.secret(), "").status()).isEqualTo(403);
    assertThat(call("POST", "/monetize/tokens", admin.secret(), "{\"scopes\":[\"*\"],\"ttl_seconds\":300}")
        .status()).isEqualTo(403);
    String token = token(admin.secret(), "{\"scopes\":[\"stats:read\"],\"ttl_seconds\":300}");
    Decision byToken = admit(stats, token);
    assertThat(byToken.admitted()).as(byToken.detail()).isTrue();
    Decision byKey = admit(stats, admin.secret());
    assertThat(byKey.admitted()).as(byKey.detail()).isTrue(); // what the plan holds still works

    monetize.customers().save(Customer.of("acme", "pro"));
    assertThat(call("POST", "/monetize/keys", admin.secret(), body).status()).isEqualTo(201);
  }

  /**
   * After a downgrade to a plan that keeps key management but not every scope, the organization still
   * revokes and rotates its keys (a leaked one included): they are compared as the plan narrows them,
   * as the caller is.
   */
  @Test
  void afterAPartialDowngradeTheOrganizationStillRevokesAndRotatesItsKeys() throws Exception {
    monetize.close();
    Catalog catalog = twoPlans(
        Plan.builder("basic").rank(0).rate(Rate.perSecond(100).withBurst(100)).quota(Quota.daily(1_000))
            .scopes("stats:*", "keys:write").build(),
        Plan.builder("team").rank(1).rate(Rate.perSecond(100).withBurst(100)).quota(Quota.daily(1_000))
            .scopes("stats:*", "keys:write", "export:read").build());
    monetize = engine(catalog, Duration.ofSeconds(30));
    monetize.customers().save(Customer.of("acme", "team"));
    IssuedKey admin = monetize.keys().issue("acme", Set.of("stats:*", "keys:write", "export:read"));
    IssuedKey leaked = monetize.keys().issue("acme", Set.of("stats:read", "export:read"));
    IssuedKey other = monetize.keys().issue("acme", Set.of("stats:read", "export:read"));
    monetize.customers().save(Customer.of("acme", "basic"));
    ManagementApi.Response rotated = call("POST", "/monetize/keys/" + other.key().id() + "/rotate", admin.secret(), "{}");
    assertThat(rotated.status()).as(new String(rotated.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    ManagementApi.Response revoked = call("POST", "/monetize/keys/" + leaked.key().id() + "/revoke", admin.secret(), "");
    assertThat(revoked.status()).as(new String(revoked.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    assertThat(admit(stats, leaked.secret()).admitted()).isFalse();
    // a narrower key still cannot act on a key worth more than itself under the same plan
    IssuedKey reader = monetize.keys().issue("acme", Set.of("keys:write", "stats:read"));
    assertThat(call("POST", "/monetize/keys/" + admin.key().id() + "/revoke", reader.secret(), "").status())
        .isEqualTo(403);
  }

  @Test
  void review_aProjectWithoutScopesGetsTheCallersNotThePlans() throws Exception {
    IssuedKey writer = monetize.keys().issue("acme", Set.of("keys:write"));
    JsonNode project = json(call("POST", "/monetize/projects", writer.secret(),
        "{\"organization_id\":\"acme\",\"name\":\"p\"}"));
    assertThat(project.path("scopes").toString()).isEqualTo("[\"keys:write\"]");
  }

  @Test
  void review_aZeroWithAHugeScaleIsRefusedWithoutRenderingIt() throws Exception {
    IssuedKey operator = monetize.keys().issueOperatorKey("ops");
    ManagementApi.Response r = call("POST", "/monetize/credits", operator.secret(),
        "{\"customer_id\":\"acme\",\"amount\":0e-999999999}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body().length).isLessThan(1_000);
  }

  @Test
  void review_aRestrictedKeyCannotTakeOverAKeyWorthMoreThanItself() throws Exception {
    Instant inAnHour = time.now().plusSeconds(3600);
    IssuedKey restricted = monetize.keys().issue(dev.monetize.keys.KeyRequest.of("acme", Set.of("keys:write", "stats:read"))
        .limits(Map.of("rate", 1L)).expiresAt(Optional.of(inAnHour)));
    IssuedKey unlimited = monetize.keys().issue("acme", Set.of("stats:read"));
    ManagementApi.Response rotate = call("POST", "/monetize/keys/" + unlimited.key().id() + "/rotate",
        restricted.secret(), "{\"overlap_seconds\":0}");
    assertThat(rotate.status()).isEqualTo(403);
    assertThat(new String(rotate.body(), StandardCharsets.UTF_8)).contains("higher 'rate' limit");
    assertThat(call("POST", "/monetize/keys/" + unlimited.key().id() + "/revoke", restricted.secret(), "").status())
        .isEqualTo(403);
    IssuedKey longer = monetize.keys().issue(dev.monetize.keys.KeyRequest.of("acme", Set.of("stats:read"))
        .limits(Map.of("rate", 1L)));
    assertThat(new String(call("POST", "/monetize/keys/" + longer.key().id() + "/rotate", restricted.secret(),
        "{}").body(), StandardCharsets.UTF_8)).contains("outlive");
    IssuedKey weaker = monetize.keys().issue(dev.monetize.keys.KeyRequest.of("acme", Set.of("stats:read"))
        .limits(Map.of("rate", 1L)).expiresAt(Optional.of(inAnHour.minusSeconds(60))));
    assertThat(call("POST", "/monetize/keys/" + weaker.key().id() + "/rotate", restricted.secret(), "{}").status())
        .isEqualTo(200);
    assertThat(admit(stats, unlimited.secret()).admitted()).isTrue();
  }

  /**
   * A limit the operator raised above the plan belongs to that one key: an organization's admin key on
   * the plan's limits cannot rotate it (it would get the raised secret and lock the holder out), but may
   * revoke it; a key raised as high may rotate it.
   */
  @Test
  void review_anAdminCannotTakeOverAKeyTheOperatorRaised() throws Exception {
    IssuedKey operator = monetize.keys().issueOperatorKey("ops");
    IssuedKey admin = monetize.keys().issue("acme", Set.of("*"));
    JsonNode raised = json(call("POST", "/monetize/keys", operator.secret(),
        "{\"organization_id\":\"acme\",\"scopes\":[\"stats:read\"],\"limits\":{\"rate\":5000}}"));
    String id = raised.path("id").asText();
    ManagementApi.Response rotate = call("POST", "/monetize/keys/" + id + "/rotate", admin.secret(),
        "{\"overlap_seconds\":0}");
    assertThat(rotate.status()).isEqualTo(403);
    assertThat(new String(rotate.body(), StandardCharsets.UTF_8)).contains("scope_escalation").contains("raised");
    assertThat(admit(stats, raised.path("secret").asText()).admitted()).as("the holder keeps its key").isTrue();
    JsonNode asHigh = json(call("POST", "/monetize/keys", operator.secret(),
        "{\"organization_id\":\"acme\",\"scopes\":[\"*\"],\"limits\":{\"rate\":5000}}"));
    assertThat(call("POST", "/monetize/keys/" + id + "/rotate", asHigh.path("secret").asText(),
        "{\"overlap_seconds\":0}").status()).isEqualTo(200);
    assertThat(call("POST", "/monetize/keys/" + id + "/revoke", admin.secret(), "").status()).isEqualTo(200);
  }

  /** An instant no store keeps (a database would wrap it) is a 400, charged nothing; so is a reserved scope in any case. */
  @Test
  void review_instantsPastYear9999AndReservedScopesInAnyCaseAreRefused() throws Exception {
    IssuedKey admin = monetize.keys().issue("acme", Set.of("*"));
    IssuedKey operator = monetize.keys().issueOperatorKey("ops");
    for (String at : new String[] {"+1000000000-12-31T23:59:59.999999999Z", "+10000-01-01T00:00:00Z"}) {
      ManagementApi.Response r = call("POST", "/monetize/keys", admin.secret(),
          "{\"organization_id\":\"acme\",\"scopes\":[\"stats:read\"],\"expires_at\":\"" + at + "\"}");
      assertThat(r.status()).as(at).isEqualTo(400);
      assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("9999-12-31T23:59:59Z");
      assertThat(monetize.managementApi().handle(ManagementApi.Request.withRawQuery("GET", "/monetize/audit",
          "from=" + at.replace("+", "%2B"), Optional.of("Bearer " + admin.secret()), Optional.empty(), new byte[0],
          "10.0.0.9", "req")).status()).isEqualTo(400);
      assertThat(call("POST", "/monetize/shield/deny", operator.secret(),
          "{\"cidr\":\"198.51.100.0/24\",\"until\":\"" + at + "\"}").status()).isEqualTo(400);
    }
    for (String scope : new String[] {"Monetize:admin", "MONETIZE:admin", "monetize:Admin"}) {
      ManagementApi.Response r = call("POST", "/monetize/keys", admin.secret(),
          "{\"organization_id\":\"acme\",\"scopes\":[\"" + scope + "\"]}");
      assertThat(r.status()).as(scope).isEqualTo(403);
      assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("reserved");
    }
  }

  @Test
  void review_anExpiringKeyCreatesOnlyKeysThatExpireWithIt() throws Exception {
    Instant inAnHour = time.now().plusSeconds(3600);
    IssuedKey expiring = monetize.keys().issue(dev.monetize.keys.KeyRequest.of("acme", Set.of("*"))
        .expiresAt(Optional.of(inAnHour)));
    String body = "{\"organization_id\":\"acme\",\"scopes\":[\"stats:read\"]";
    JsonNode child = json(call("POST", "/monetize/keys", expiring.secret(), body + "}"));
    assertThat(Instant.parse(child.path("expires_at").asText())).isEqualTo(inAnHour);
    assertThat(call("POST", "/monetize/keys", expiring.secret(), body + ",\"expires_at\":\""
        + inAnHour.plusSeconds(1) + "\"}").status()).isEqualTo(403);
    assertThat(call("POST", "/monetize/keys", expiring.secret(), body + ",\"expires_at\":\""
        + inAnHour.minusSeconds(1) + "\"}").status()).isEqualTo(201);
  }

  @Test
  void review_inheritedLimitsThatThePlanNoLongerHasRefuseTheNewKeyNeverA500() throws Exception {
    IssuedKey limited = monetize.keys().issue(dev.monetize.keys.KeyRequest.of("acme", Set.of("*"))
        .limits(Map.of("rate", 10L)));
    // the limited key's override names a limit its plan has; a stale one (a plan changed since) must not turn into a 500
    ApiKey k = limited.key();
    store.save(new ApiKey(k.id(), k.customerId(), k.projectId(), k.secretHash(), k.scopes(), k.environment(),
        k.status(), k.createdAt(), k.expiresAt(), k.previousSecretHash(), k.previousValidUntil(),
        Map.of("monthly", 50L))); // (a limit below the plan's would refuse creating keys at all)
    ManagementApi.Response r = call("POST", "/monetize/keys", limited.secret(),
        "{\"organization_id\":\"acme\",\"scopes\":[\"stats:read\"]}");
    // not dropped either: the new key would not be held to it when a plan has the limit again
    assertThat(r.status()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(403);
    assertThat(json(r).path("code").asText()).isEqualTo("scope_escalation");
    assertThat(json(r).path("detail").asText()).contains("'monthly' limit of its own (50)");
  }
}
