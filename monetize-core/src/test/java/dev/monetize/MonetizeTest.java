package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.monetize.audit.AuditEvent;
import dev.monetize.audit.AuditSink;
import dev.monetize.audit.InMemoryAuditSink;
import dev.monetize.errors.ErrorCode;
import dev.monetize.errors.Problem;
import dev.monetize.http.Header;
import dev.monetize.keys.ApiKeys;
import dev.monetize.keys.IssuedKey;
import dev.monetize.keys.KeyEnvironment;
import dev.monetize.metering.InMemoryUsageSink;
import dev.monetize.metering.UsageSink;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MonetizeTest {
  private final ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-03-10T12:00:00Z"));
  private final InMemoryUsageSink usage = UsageSink.inMemory();
  private final InMemoryAuditSink audit = AuditSink.inMemory();

  private final Operation summary = Operation.builder("summary", "GET", "/v1/stats/summary").scope("stats:read").build();
  private final Operation export = Operation.builder("export", "GET", "/v1/export")
      .scope("export:read").minimumPlan("pro").cost(10).build();
  private final Catalog catalog = Catalog.builder()
      .plan(Plan.builder("free").rank(0).rate(Rate.perSecond(2).withBurst(1)).quota(Quota.daily(5))
          .scopes("stats:*").build())
      .plan(Plan.builder("pro").rank(10).rate(Rate.perSecond(100).withBurst(100)).quota(Quota.daily(25)).build())
      .operation(summary)
      .operation(export)
      .build();
  private final Monetize monetize = Monetize.builder()
      .catalog(catalog)
      .timeSource(time)
      .usageSink(usage)
      .auditSink(audit)
      .environment(KeyEnvironment.LIVE)
      .build();

  @AfterEach
  void close() {
    monetize.close();
  }

  private IssuedKey keyFor(String customer, String plan, String... scopes) {
    monetize.customers().save(Customer.of(customer, plan));
    return monetize.keys().issue(customer, Set.of(scopes));
  }

  private Admission call(Operation op, String authorization) {
    return monetize.admit(op, ApiRequest.of(op.method(), op.pathTemplate(), "10.0.0.1", "req-1", authorization, null));
  }

  private static Map<String, String> headers(Admission a) {
    return a.responseHeaders().stream().collect(Collectors.toMap(Header::name, Header::value));
  }

  @Test
  void admitsAValidKeyAndReportsItsLimits() {
    IssuedKey key = keyFor("acme", "free", "stats:*");
    Admission a = call(summary, "Bearer " + key.secret());
    assertThat(a.decision().admitted()).isTrue();
    assertThat(a.decision().principal().orElseThrow().customerId()).isEqualTo("acme");
    assertThat(headers(a))
        .containsEntry("RateLimit-Policy", "\"rate\";q=2;w=1, \"daily\";q=5;w=86400")
        .containsEntry("RateLimit", "\"rate\";r=1;t=1")
        .containsEntry("X-Request-Id", "req-1")
        .doesNotContainKey("X-RateLimit-Limit");
  }

  @Test
  void aKeyVerifiedBeforeIsFoundByItsDigestAndAMalformedOneOfItsShapeNeverReachesTheStore() {
    java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
    dev.monetize.keys.KeyStore inMemory = dev.monetize.keys.KeyStore.inMemory();
    dev.monetize.keys.KeyStore counting = (dev.monetize.keys.KeyStore) java.lang.reflect.Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {dev.monetize.keys.KeyStore.class}, (proxy, method, args) -> {
          if (method.getName().equals("findByHash")) {
            lookups.incrementAndGet();
          }
          try {
            return method.invoke(inMemory, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
    try (Monetize m = Monetize.builder().catalog(catalog).timeSource(time).auditSink(audit).keyStore(counting)
        .environment(KeyEnvironment.LIVE).build()) {
      m.customers().save(Customer.of("acme", "pro"));
      String secret = m.keys().issue("acme", Set.of("*")).secret();
      java.util.function.Function<String, Admission> call = s -> m.admit(summary,
          ApiRequest.of("GET", "/v1/stats/summary", "10.0.0.1", "r", "Bearer " + s, null));
      assertThat(call.apply(secret).decision().admitted()).isTrue();
      int afterFirst = lookups.get();
      assertThat(call.apply(secret).decision().admitted()).isTrue();
      assertThat(lookups.get()).isEqualTo(afterFirst); // found by its digest
      char last = secret.charAt(secret.length() - 1);
      String broken = secret.substring(0, secret.length() - 1) + (last == 'a' ? 'b' : 'a'); // its checksum broken
      Admission refused = call.apply(broken);
      assertThat(refused.decision().error()).contains(ErrorCode.KEY_INVALID);
      assertThat(refused.decision().detail()).contains("malformed");
      assertThat(m.metrics().malformedKeyRefusals()).isEqualTo(1);
      assertThat(lookups.get()).isEqualTo(afterFirst);
    }
  }

  @Test
  void refusesMissingMalformedUnknownAndWrongEnvironmentKeys() {
    assertThat(call(summary, null).decision().error()).contains(ErrorCode.KEY_MISSING);
    assertThat(call(summary, "Basic dXNlcjpwYXNz").decision().error()).contains(ErrorCode.KEY_INVALID);
    assertThat(call(summary, "Basic dXNlcjpwYXNz").decision().detail()).isEqualTo("The Authorization header must use the Bearer scheme.");
    for (String empty : new String[] {"Bearer", "bearer  ", "Bearer \t"}) { // what an empty $KEY sends
      Decision d = call(summary, empty).decision();
      assertThat(d.error()).as(empty).contains(ErrorCode.KEY_MISSING);
      assertThat(d.detail()).isEqualTo("The Authorization header has no key after 'Bearer'.");
    }
    assertThat(call(summary, "Bearer mk_live_short").decision().error()).contains(ErrorCode.KEY_INVALID);
    String unknown = ApiKeys.newSecret(KeyEnvironment.LIVE, new SecureRandom());
    assertThat(call(summary, "Bearer " + unknown).decision().error()).contains(ErrorCode.KEY_INVALID);
    String test = ApiKeys.newSecret(KeyEnvironment.TEST, new SecureRandom());
    assertThat(call(summary, "Bearer " + test).decision().error()).contains(ErrorCode.KEY_WRONG_ENVIRONMENT);
    assertThat(monetize.metrics().malformedKeyRefusals()).isEqualTo(1);
    Admission missing = call(summary, null);
    assertThat(headers(missing)).containsEntry("WWW-Authenticate", "Bearer realm=\"monetize\"");
  }

  /**
   * Two headers with two different credentials are refused: the engine would read the Bearer one, and a
   * proxy keyed on X-API-Key would see (and limit, log, bill) another caller. The same key in both is fine.
   */
  @Test
  void refusesTwoDifferentCredentials() {
    IssuedKey pro = keyFor("acme", "pro", "stats:*");
    IssuedKey other = keyFor("globex", "free", "stats:*");
    Admission both = monetize.admit(summary, ApiRequest.of("GET", "/v1/stats/summary", "", "r",
        "Bearer " + pro.secret(), other.secret()));
    assertThat(both.decision().error()).contains(ErrorCode.BAD_REQUEST);
    assertThat(both.decision().error().get().status()).isEqualTo(400);
    assertThat(both.decision().detail()).contains("different credentials");
    for (String same : new String[] {pro.secret(), " " + pro.secret() + " ", "", "  "}) {
      Admission a = monetize.admit(summary, ApiRequest.of("GET", "/v1/stats/summary", "", "r",
          "Bearer " + pro.secret(), same));
      assertThat(a.decision().error()).as("X-API-Key '%s'", same.isBlank() ? same : "the same key").isEmpty();
    }
  }

  /** The Authorization header's form in X-API-Key is refused with what to send instead. */
  @Test
  void aBearerInXApiKeyIsRefusedWithTheFormItTakes() {
    IssuedKey key = keyFor("acme", "free", "stats:*");
    for (String sent : new String[] {"Bearer " + key.secret(), "bearer " + key.secret(), " Bearer x"}) {
      Admission a = monetize.admit(summary, ApiRequest.of("GET", "/v1/stats/summary", "", "r", null, sent));
      assertThat(a.decision().error()).contains(ErrorCode.KEY_INVALID);
      assertThat(a.decision().detail()).as(sent).contains("X-API-Key header takes the key alone");
    }
    Admission other = monetize.admit(summary, ApiRequest.of("GET", "/v1/stats/summary", "", "r", null, "Bearerx"));
    assertThat(other.decision().detail()).isEqualTo("The API key is malformed.");
  }

  @Test
  void acceptsTheXApiKeyHeader() {
    IssuedKey key = keyFor("acme", "free", "stats:*");
    Admission a = monetize.admit(summary, ApiRequest.of("GET", "/v1/stats/summary", "", "r", null, key.secret()));
    assertThat(a.decision().admitted()).isTrue();
  }

  @Test
  void refusesRevokedAndExpiredKeys() {
    IssuedKey key = keyFor("acme", "free", "stats:*");
    monetize.keys().revoke(key.key().id());
    Admission revoked = call(summary, "Bearer " + key.secret());
    assertThat(revoked.decision().error()).contains(ErrorCode.KEY_REVOKED);
    assertThat(headers(revoked).get("WWW-Authenticate")).contains("invalid_token");

    IssuedKey expiring = monetize.keys().issue("acme", Set.of("stats:*"), Optional.of(time.now().plusSeconds(60)));
    assertThat(call(summary, "Bearer " + expiring.secret()).decision().admitted()).isTrue();
    time.advance(Duration.ofSeconds(61));
    assertThat(call(summary, "Bearer " + expiring.secret()).decision().error()).contains(ErrorCode.KEY_EXPIRED);
  }

  @Test
  void planDeniedNamesTheUpgradeAndScopeDeniedNamesTheScope() {
    IssuedKey free = keyFor("acme", "free", "stats:*");
    Admission a = call(export, "Bearer " + free.secret());
    assertThat(a.decision().error()).contains(ErrorCode.PLAN_DENIED);
    assertThat(a.problem().hint()).contains("'pro'");
    assertThat(a.decision().policies()).isEmpty();

    IssuedKey narrow = keyFor("globex", "pro", "stats:read");
    Admission b = call(export, "Bearer " + narrow.secret());
    assertThat(b.decision().error()).contains(ErrorCode.SCOPE_DENIED);
    assertThat(b.decision().detail()).contains("export:read");
  }

  @Test
  void rateLimitRefusesWithRetryAfterAndDoesNotChargeTheQuota() {
    IssuedKey key = keyFor("acme", "free", "stats:*");
    assertThat(call(summary, "Bearer " + key.secret()).decision().admitted()).isTrue();
    assertThat(call(summary, "Bearer " + key.secret()).decision().admitted()).isTrue();
    Admission refused = call(summary, "Bearer " + key.secret());
    assertThat(refused.decision().error()).contains(ErrorCode.RATE_LIMITED);
    assertThat(headers(refused)).containsEntry("Retry-After", "1").containsEntry("RateLimit", "\"rate\";r=0;t=1");
    Problem p = refused.problem();
    assertThat(p.extensions()).containsEntry("retry_after", 1L).containsEntry("violated_policies", List.of("rate"));
    assertThat(p.hint()).contains("upgrade to plan 'pro'");
    time.advance(Duration.ofSeconds(5));
    // the daily quota saw exactly two calls
    Admission later = call(summary, "Bearer " + key.secret());
    assertThat(later.decision().policies().get(1).remaining()).isEqualTo(2);
  }

  @Test
  void quotaExhaustedAfterExactlyTheQuota() {
    IssuedKey key = keyFor("acme", "free", "stats:*");
    for (int i = 0; i < 5; i++) {
      assertThat(call(summary, "Bearer " + key.secret()).decision().admitted()).isTrue();
      time.advance(Duration.ofSeconds(1));
    }
    Admission refused = call(summary, "Bearer " + key.secret());
    assertThat(refused.decision().error()).contains(ErrorCode.QUOTA_EXHAUSTED);
    long untilMidnight = Duration.between(time.now(), Instant.parse("2026-03-11T00:00:00Z")).toSeconds();
    assertThat(Long.parseLong(headers(refused).get("Retry-After"))).isGreaterThanOrEqualTo(untilMidnight);
    assertThat(headers(refused).get("RateLimit")).startsWith("\"daily\";r=0;t=");
  }

  @Test
  void weightedOperationsChargeTheirCost() {
    IssuedKey key = keyFor("acme", "pro", "*");
    assertThat(call(export, "Bearer " + key.secret()).decision().admitted()).isTrue();
    assertThat(call(export, "Bearer " + key.secret()).decision().admitted()).isTrue();
    Admission third = call(export, "Bearer " + key.secret());
    assertThat(third.decision().error()).contains(ErrorCode.QUOTA_EXHAUSTED);
    assertThat(call(summary, "Bearer " + key.secret()).decision().admitted()).isTrue();
  }

  @Test
  void aPlanChangeAppliesAtOnceAndKeepsWhatWasConsumed() {
    IssuedKey key = keyFor("acme", "free", "stats:*");
    for (int i = 0; i < 5; i++) {
      call(summary, "Bearer " + key.secret());
      time.advance(Duration.ofSeconds(1));
    }
    assertThat(call(summary, "Bearer " + key.secret()).decision().error()).contains(ErrorCode.QUOTA_EXHAUSTED);
    monetize.customers().save(Customer.of("acme", "pro"));
    Admission a = call(summary, "Bearer " + key.secret());
    assertThat(a.decision().admitted()).isTrue();
    assertThat(a.decision().policies().get(1).remaining()).isEqualTo(25 - 6);
  }

  @Test
  void meteringCountsAdmittedCallsAndAuditNamesTheKeyButNeverTheSecret() {
    IssuedKey key = keyFor("acme", "pro", "*");
    for (int i = 0; i < 7; i++) {
      call(summary, "Bearer " + key.secret()).complete(200, 100);
    }
    call(summary, "Bearer " + key.secret()).complete(500, 10);
    call(summary, null).complete(401, 50);
    assertThat(monetize.flushUsage()).isTrue();
    assertThat(usage.successfulCalls("acme")).isEqualTo(7);
    assertThat(usage.calls(r -> r.customerId().equals("acme"))).isEqualTo(8);
    assertThat(usage.records()).allSatisfy(r -> assertThat(r.keyId()).isEqualTo(key.key().id()));
    assertThat(usage.records().stream().filter(r -> r.status() == 200).mapToLong(r -> r.bytesOut()).sum()).isEqualTo(700);
    monetize.flushAudit();
    List<AuditEvent> events = audit.events();
    assertThat(events).hasSize(9);
    assertThat(events).filteredOn(e -> e.decision().equals("key_missing")).singleElement()
        .satisfies(e -> assertThat(e.customerId()).isEmpty());
    assertThat(events.toString()).doesNotContain(key.secret()).doesNotContain(key.key().secretHash())
        .contains(key.key().id());
  }

  @Test
  void completeTwiceMetersOnce() {
    IssuedKey key = keyFor("acme", "pro", "*");
    Admission a = call(summary, "Bearer " + key.secret());
    a.complete(200, 1);
    a.complete(200, 1);
    monetize.flushUsage();
    assertThat(usage.successfulCalls("acme")).isEqualTo(1);
  }

  @Test
  void aFailingSinkNeverLosesUsage() {
    int[] attempts = {0};
    InMemoryUsageSink kept = UsageSink.inMemory();
    try (Monetize m = Monetize.builder().catalog(catalog).timeSource(time).auditSink(audit)
        .usageSink(batch -> {
          if (attempts[0]++ < 2) {
            throw new IllegalStateException("billing backend down");
          }
          kept.accept(batch);
        }).build()) {
      m.customers().save(Customer.of("acme", "pro"));
      IssuedKey key = m.keys().issue("acme", Set.of("*"));
      for (int i = 0; i < 3; i++) {
        m.admit(summary, ApiRequest.of("GET", "/v1/stats/summary", "", "r", "Bearer " + key.secret(), null))
            .complete(200, 0);
      }
      assertThat(m.flushUsage()).isFalse();
      m.admit(summary, ApiRequest.of("GET", "/v1/stats/summary", "", "r", "Bearer " + key.secret(), null))
          .complete(200, 0);
      assertThat(m.flushUsage()).isFalse();
      assertThat(m.flushUsage()).isTrue();
      assertThat(kept.successfulCalls("acme")).isEqualTo(4);
    }
  }

  @Test
  void aFailingKeyStoreIsAnsweredAsInternalNotThrown() {
    try (Monetize m = Monetize.builder().catalog(catalog).auditSink(audit).keyStore(new dev.monetize.keys.KeyStore() {
      @Override
      public Optional<dev.monetize.keys.ApiKey> findByHash(String secretHash) {
        throw new IllegalStateException("connection refused to db.internal:5432");
      }

      @Override
      public Optional<dev.monetize.keys.ApiKey> findById(String id) {
        return Optional.empty();
      }

      @Override
      public void save(dev.monetize.keys.ApiKey key) {}

      @Override
      public List<dev.monetize.keys.ApiKey> list(String organizationId, Optional<String> projectId,
          Optional<String> afterId, int limit) {
        return List.of();
      }

      @Override
      public void saveProject(dev.monetize.keys.Project project) {}

      @Override
      public Optional<dev.monetize.keys.Project> findProject(String id) {
        return Optional.empty();
      }

      @Override
      public long countProjects(String organizationId) {
        return 0;
      }
    }).build()) {
      String secret = ApiKeys.newSecret(KeyEnvironment.LIVE, new SecureRandom());
      Admission a = m.admit(summary, ApiRequest.of("GET", "/v1/stats/summary", "", "r", "Bearer " + secret, null));
      assertThat(a.decision().error()).contains(ErrorCode.INTERNAL);
      assertThat(dev.monetize.errors.ProblemJson.toJson(a.problem())).doesNotContain("db.internal").doesNotContain("Exception");
    }
  }

  @Test
  void legacyHeadersAreOptIn() {
    try (Monetize m = Monetize.builder().catalog(catalog).auditSink(audit).legacyRateLimitHeaders(true).build()) {
      m.customers().save(Customer.of("acme", "pro"));
      IssuedKey key = m.keys().issue("acme", Set.of("*"));
      Admission a = m.admit(summary, ApiRequest.of("GET", "/v1/stats/summary", "", "r", "Bearer " + key.secret(), null));
      assertThat(headers(a)).containsKeys("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset");
    }
  }

  @Test
  void configurationMistakesAreReportedAtBuildTime() {
    assertThatThrownBy(() -> Monetize.builder().build()).hasMessageContaining("catalog(...) is required");
    assertThatThrownBy(() -> monetize.customers().save(Customer.of("x", "gold"))).hasMessageContaining("plan 'gold' is not defined");
    assertThatThrownBy(() -> monetize.keys().issue("nobody", Set.of("*"))).hasMessageContaining("does not exist");
    assertThatThrownBy(() -> Monetize.builder().docsBase(java.net.URI.create("/relative")))
        .hasMessageContaining("absolute http(s) URI");
  }
}
