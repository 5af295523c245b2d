package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.keys.ApiKey;
import dev.monetize.keys.IssuedKey;
import dev.monetize.keys.KeyStore;
import dev.monetize.limits.PolicyState;
import dev.monetize.management.ManagementApi;
import dev.monetize.management.ManagementLimits;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A key's own limits keep what they were when the key was issued, whatever plan its organization
 * moves to: a restriction a customer set never becomes a grant above a lower plan (where it would
 * replace the organization's limit, and be passed on to every key that key creates), and a limit the
 * operator raised stays that key's alone.
 */
class KeyLimitsAcrossPlanChangesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-12-06T10:00:00Z"));
  private final Operation stats = Operation.builder("stats", "GET", "/stats").scope("stats:read").build();
  private final HookedKeyStore store = new HookedKeyStore();
  private final Monetize monetize = Monetize.builder()
      .catalog(Catalog.builder()
          .plan(Plan.builder("free").rank(0).rate(Rate.perSecond(5).withBurst(5)).quota(Quota.daily(1_000))
              .scopes("*").build())
          .plan(Plan.builder("pro").rank(1).rate(Rate.perSecond(50).withBurst(50)).quota(Quota.daily(100_000))
              .scopes("*").build())
          .plan(Plan.builder("mini").rank(0).rate(Rate.perSecond(5).withBurst(5)).quota(Quota.monthly(10_000))
              .scopes("*").build())
          .plan(Plan.builder("enterprise").rank(2).rate(Rate.perSecond(1_000).withBurst(1_000))
              .quota(Quota.daily(10_000_000)).scopes("*").build())
          .operation(stats).build())
      .timeSource(time).keyStore(store).keyCacheTtl(Duration.ZERO)
      .managementLimits(ManagementLimits.custom().perKey(ManagementLimits.unlimited())
          .perOrganization(ManagementLimits.unlimited()).build())
      .build();

  @AfterEach
  void close() {
    monetize.close();
  }

  private ManagementApi.Response call(String method, String path, String credential, String body) {
    return ManagementCalls.call(monetize, method, path, credential, body);
  }

  /** A key made through the management API: its secret, and its limits as the API shows them. */
  private JsonNode createKey(String credential, String body) throws Exception {
    ManagementApi.Response r = call("POST", "/monetize/keys", credential, body);
    assertThat(r.status()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(201);
    return JSON.readTree(r.body());
  }

  /** Acme on pro, and a key of its administrator. */
  private IssuedKey adminOnPro() {
    monetize.customers().save(Customer.of("acme", "pro"));
    return monetize.keys().issue("acme", Set.of("*"));
  }

  /** The secret of a key {@code admin} made with these limits (JSON) and every scope. */
  private String restricted(IssuedKey admin, String limits) throws Exception {
    return createKey(admin.secret(), "{\"organization_id\":\"acme\",\"scopes\":[\"*\"],\"limits\":" + limits + "}")
        .path("secret").asText();
  }

  private Decision admit(String secret) {
    Admission a = monetize.admit(stats, ApiRequest.of("GET", "/stats", "10.0.0.1", "r", "Bearer " + secret, null));
    a.complete(a.decision().status(), 0);
    return a.decision();
  }

  /** Each limit the call counted against, by name, with its quota. */
  private static Map<String, Long> limits(Decision d) {
    Map<String, Long> out = new TreeMap<>();
    for (PolicyState s : d.policies()) {
      out.put(s.name(), s.quota());
    }
    return out;
  }

  private long dailyLeftOfTheOrganization(String plainSecret) {
    return admit(plainSecret).policies().stream().filter(s -> s.name().equals("daily")).findFirst().orElseThrow()
        .remaining();
  }

  @Test
  void aRestrictionTheCustomerSetStaysARestrictionAfterADowngrade() throws Exception {
    monetize.customers().save(Customer.of("acme", "pro"));
    IssuedKey admin = monetize.keys().issue("acme", Set.of("*"));
    // on pro, the customer may give a key the plan's own limits
    String restricted = createKey(admin.secret(),
        "{\"organization_id\":\"acme\",\"scopes\":[\"*\"],\"limits\":{\"rate\":50,\"daily\":100000}}")
        .path("secret").asText();
    monetize.customers().save(Customer.of("acme", "free")); // downgraded

    Decision d = admit(restricted);
    assertThat(d.admitted()).isTrue();
    assertThat(limits(d)).containsEntry("rate", 5L).containsEntry("daily", 1_000L)
        .doesNotContainValue(50L).doesNotContainValue(100_000L);
    // the key still counts against its organization: the free plan's burst (not pro's 50) at one instant
    int admitted = 1;
    while (admitted < 60 && admit(restricted).admitted()) {
      admitted++;
    }
    assertThat(admitted).isBetween(5, 6);
    time.advance(Duration.ofSeconds(2));
    assertThat(dailyLeftOfTheOrganization(admin.secret())).isEqualTo(1_000 - admitted - 1);

    // it creates no key, not even on free where its restrictions do not bind: each would carry them again
    ManagementApi.Response child = call("POST", "/monetize/keys", restricted,
        "{\"organization_id\":\"acme\",\"scopes\":[\"stats:read\"]}");
    assertThat(child.status()).isEqualTo(403);
    assertThat(new String(child.body(), StandardCharsets.UTF_8)).contains("limit of its own");

    // back on pro, the restriction binds again as it was set
    monetize.customers().save(Customer.of("acme", "pro"));
    assertThat(limits(admit(restricted))).containsEntry("rate", 50L).containsEntry("rate-key", 50L)
        .containsEntry("daily-key", 100_000L);
  }

  @Test
  void aLimitTheOperatorRaisedStaysTheKeysOwnAndIsNotPassedOn() throws Exception {
    monetize.customers().save(Customer.of("acme", "pro"));
    monetize.customers().save(Customer.of("ops", "pro"));
    IssuedKey operator = monetize.keys().issueOperatorKey("ops");
    JsonNode raised = createKey(operator.secret(),
        "{\"organization_id\":\"acme\",\"scopes\":[\"*\"],\"limits\":{\"rate\":500}}");
    String secret = raised.path("secret").asText();
    ApiKey stored = monetize.keys().find(raised.path("id").asText()).orElseThrow();
    assertThat(stored.raisedLimits()).containsExactly("rate");
    assertThat(limits(admit(secret))).containsEntry("rate", 500L).doesNotContainKey("rate-key");

    // a key it creates gets the plan's rate, not the operator's grant (one grant, not one per key)
    JsonNode child = createKey(secret, "{\"organization_id\":\"acme\",\"scopes\":[\"stats:read\"]}");
    assertThat(child.path("limits").path("rate").asLong(50)).isLessThanOrEqualTo(50);
    assertThat(monetize.keys().find(child.path("id").asText()).orElseThrow().raisedLimits()).isEmpty();
    assertThat(limits(admit(child.path("secret").asText()))).containsEntry("rate", 50L).doesNotContainValue(500L);

    // the grant is the operator's deal with this key: it stays above a lower plan
    monetize.customers().save(Customer.of("acme", "free"));
    assertThat(limits(admit(secret))).containsEntry("rate", 500L);
    // and never holds the key below a plan that caught up with it
    monetize.customers().save(Customer.of("acme", "enterprise"));
    assertThat(limits(admit(secret))).containsEntry("rate", 1_000L).doesNotContainValue(500L);
  }

  /**
   * A rate counts at most a billion a period: a key raised past that is refused as it is made, and
   * a key stored with such a rate before (another version, another tool) is limited at the bound on
   * each call, never failed (every call answered 500 and charged to no limit).
   */
  @Test
  void aRateRaisedPastWhatARateCountsIsRefusedAndAStoredOneIsBounded() throws Exception {
    monetize.customers().save(Customer.of("acme", "pro"));
    monetize.customers().save(Customer.of("ops", "pro"));
    IssuedKey operator = monetize.keys().issueOperatorKey("ops");
    ManagementApi.Response tooMuch = call("POST", "/monetize/keys", operator.secret(),
        "{\"organization_id\":\"acme\",\"scopes\":[\"*\"],\"limits\":{\"rate\":1000000001}}");
    assertThat(tooMuch.status()).isEqualTo(400);
    assertThat(JSON.readTree(tooMuch.body()).path("detail").asText())
        .isEqualTo("limits.rate: a whole number from 1 to 1000000000.");
    assertThatThrownBy(() -> monetize.keys().issue(new dev.monetize.keys.KeyRequest("acme", Optional.empty(),
        Set.of("*"), Optional.empty(), Map.of("rate", 1_000_000_001L))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("from 1 to 1000000000");
    String most = restricted(operator, "{\"rate\":1000000000}");
    assertThat(limits(admit(most))).containsEntry("rate", 1_000_000_000L);

    IssuedKey issued = monetize.keys().issue("acme", Set.of("*"));
    ApiKey k = issued.key();
    store.save(new ApiKey(k.id(), k.customerId(), k.projectId(), k.secretHash(), k.scopes(), k.environment(),
        k.status(), k.createdAt(), k.expiresAt(), k.previousSecretHash(), k.previousValidUntil(),
        Map.of("rate", 5_000_000_000L), Set.of("rate")));
    Decision d = admit(issued.secret());
    assertThat(d.admitted()).isTrue();
    assertThat(limits(d)).containsEntry("rate", 1_000_000_000L);
    ManagementApi.Response shown = call("GET", "/monetize/keys/" + k.id(), operator.secret(), "");
    assertThat(JSON.readTree(shown.body()).path("limits").path("rate").asLong()).as("as it binds")
        .isEqualTo(1_000_000_000L);
  }

  @Test
  void aRaisedLimitIsOneOfTheKeysOverrides() {
    assertThatThrownBy(() -> new ApiKey("key_1", "acme", Optional.empty(), "h", Set.of("*"),
        dev.monetize.keys.KeyEnvironment.LIVE, dev.monetize.keys.KeyStatus.ACTIVE, Instant.EPOCH, Optional.empty(),
        Optional.empty(), Optional.empty(), Map.of("daily", 10L), Set.of("rate")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("raised limit 'rate'");
  }

  @Test
  void aDowngradeLandingWhileACustomerCreatesAKeyMakesNoRaise() throws Exception {
    monetize.customers().save(Customer.of("acme", "pro"));
    IssuedKey admin = monetize.keys().issue("acme", Set.of("*"));
    // checked against pro, stored after the downgrade (a scheduled change applied in between)
    store.duringCreation = () -> monetize.customers().save(Customer.of("acme", "free"));
    JsonNode key = createKey(admin.secret(),
        "{\"organization_id\":\"acme\",\"scopes\":[\"*\"],\"limits\":{\"rate\":50,\"daily\":100000}}");
    store.duringCreation = () -> { };
    assertThat(monetize.keys().find(key.path("id").asText()).orElseThrow().raisedLimits()).isEmpty();
    assertThat(limits(admit(key.path("secret").asText()))).containsEntry("rate", 5L).containsEntry("daily", 1_000L)
        .doesNotContainValue(50L);
  }

  @Test
  void aRestrictedKeyCreatesNoKeyWhateverThePlan() throws Exception {
    IssuedKey admin = adminOnPro();
    String restricted = restricted(admin, "{\"rate\":20}");
    monetize.customers().save(Customer.of("acme", "free")); // the restriction is above free's 5: it does not bind
    ManagementApi.Response child = call("POST", "/monetize/keys", restricted,
        "{\"organization_id\":\"acme\",\"scopes\":[\"stats:read\"]}");
    assertThat(child.status()).isEqualTo(403); // it would bind again, once per key, back on pro
    monetize.customers().save(Customer.of("acme", "pro"));
    assertThat(limits(admit(restricted))).containsEntry("rate-key", 20L);
    // nor may it rotate a key worth more than itself across the downgrade
    String unrestricted = createKey(admin.secret(), "{\"organization_id\":\"acme\",\"scopes\":[\"stats:read\"]}")
        .path("id").asText();
    monetize.customers().save(Customer.of("acme", "free"));
    assertThat(call("POST", "/monetize/keys/" + unrestricted + "/rotate", restricted, "{}").status()).isEqualTo(403);
  }

  @Test
  void aRestrictionThePlanCannotCarryStillRefusesCreatingKeys() throws Exception {
    String restricted = restricted(adminOnPro(), "{\"daily\":100}");
    monetize.customers().save(Customer.of("acme", "mini")); // no daily quota on this plan
    ManagementApi.Response child = call("POST", "/monetize/keys", restricted,
        "{\"organization_id\":\"acme\",\"scopes\":[\"stats:read\"]}");
    assertThat(child.status()).isEqualTo(403);
    assertThat(new String(child.body(), StandardCharsets.UTF_8)).contains("'daily' limit of its own (100)");
  }
}
