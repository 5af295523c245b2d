package dev.monetize.examples.analytics.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.TimeSource;
import dev.monetize.keys.KeyRequest;
import dev.monetize.management.ManagementLimits;
import dev.monetize.management.ManagementOperation;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.Customer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The exhaustive authorization matrix, over real HTTP on each example: every management operation
 * of the authority table x every kind of principal, each with the status and code written out
 * below by hand (never derived from the code under test). A new operation without a row here fails
 * {@link #everyOperationOfTheTableHasARow}.
 */
public abstract class AuthorizationMatrixContract {
  /** The principals, in the column order of {@link #EXPECTED}. */
  enum Who {
    OPERATOR, STAR, KEYS_WRITE, READ_ONLY,
    STAR_TOKEN_BEARER, STAR_TOKEN_X_API_KEY,
    KEYS_WRITE_TOKEN_BEARER, KEYS_WRITE_TOKEN_X_API_KEY, READ_ONLY_TOKEN_BEARER, READ_ONLY_TOKEN_X_API_KEY,
    OTHER_ORGANIZATION_ADMIN, REVOKED, EXPIRED, ROTATED_OUT
  }

  private static final String ORG = "matrix-a";
  private static final String OTHER = "matrix-b";
  private static final String UNAUTHENTICATED = "401:key_revoked 401:key_expired 401:key_rotated";

  /**
   * Expected answers, one column per {@link Who}: {@code status} or {@code status:code}. Tokens are
   * minted from the key of the same name with all its scopes. Targets are of organization
   * {@code matrix-a}; the key acted on is a fresh {@code *} key (stronger than {@code keys:write}).
   */
  static final Map<ManagementOperation, String> EXPECTED = new EnumMap<>(Map.ofEntries(
      Map.entry(ManagementOperation.ORGANIZATION_CREATE, "201 403:scope_denied 403:scope_denied 403:scope_denied 403:token_not_allowed "
          + "403:token_not_allowed 403:token_not_allowed 403:token_not_allowed "
          + "403:token_not_allowed 403:token_not_allowed 403:scope_denied "
          + UNAUTHENTICATED),
      Map.entry(ManagementOperation.ORGANIZATION_UPDATE, "200 403:scope_denied 403:scope_denied 403:scope_denied "
          + "403:scope_denied 403:scope_denied 403:scope_denied 403:scope_denied 403:scope_denied "
          + "403:scope_denied 403:scope_denied "
          + UNAUTHENTICATED),
      Map.entry(ManagementOperation.PLAN_CHANGE_CANCEL, "200 403:scope_denied 403:scope_denied 403:scope_denied "
          + "403:scope_denied 403:scope_denied 403:scope_denied 403:scope_denied 403:scope_denied "
          + "403:scope_denied 403:scope_denied "
          + UNAUTHENTICATED),
      Map.entry(ManagementOperation.ORGANIZATION_GET, "200 200 200 200 200 200 200 200 200 200 404:not_found "
          + UNAUTHENTICATED),
      Map.entry(ManagementOperation.PROJECT_CREATE, "201 201 403:scope_escalation 403:scope_denied 403:token_not_allowed "
          + "403:token_not_allowed 403:token_not_allowed 403:token_not_allowed "
          + "403:token_not_allowed 403:token_not_allowed 404:not_found "
          + UNAUTHENTICATED),
      Map.entry(ManagementOperation.KEY_CREATE, "201 201 403:scope_escalation 403:scope_denied 403:token_not_allowed "
          + "403:token_not_allowed 403:token_not_allowed 403:token_not_allowed "
          + "403:token_not_allowed 403:token_not_allowed 404:not_found "
          + UNAUTHENTICATED),
      Map.entry(ManagementOperation.KEY_LIST, "200 200 200 403:scope_denied 200 200 200 200 403:scope_denied 403:scope_denied "
          + "404:not_found "
          + UNAUTHENTICATED),
      Map.entry(ManagementOperation.KEY_GET, "200 200 200 403:scope_denied 200 200 200 200 403:scope_denied 403:scope_denied "
          + "404:not_found "
          + UNAUTHENTICATED),
      Map.entry(ManagementOperation.KEY_ROTATE, "200 200 403:scope_escalation 403:scope_denied 403:token_not_allowed "
          + "403:token_not_allowed 403:token_not_allowed 403:token_not_allowed "
          + "403:token_not_allowed 403:token_not_allowed 404:not_found "
          + UNAUTHENTICATED),
      Map.entry(ManagementOperation.KEY_REVOKE, "200 200 403:scope_escalation 403:scope_denied 403:token_not_allowed "
          + "403:token_not_allowed 403:token_not_allowed 403:token_not_allowed "
          + "403:token_not_allowed 403:token_not_allowed 404:not_found "
          + UNAUTHENTICATED),
      Map.entry(ManagementOperation.TOKEN_MINT, "403:token_not_allowed 200 200 200 403:token_not_allowed 403:token_not_allowed "
          + "403:token_not_allowed 403:token_not_allowed 403:token_not_allowed "
          + "403:token_not_allowed 200 "
          + UNAUTHENTICATED),
      Map.entry(ManagementOperation.USAGE_GET, "200 200 200 200 200 200 200 200 200 200 404:not_found "
          + UNAUTHENTICATED),
      Map.entry(ManagementOperation.CREDITS_GET, "200 200 200 200 200 200 200 200 200 200 404:not_found "
          + UNAUTHENTICATED),
      Map.entry(ManagementOperation.CREDITS_TOP_UP, "201 403:scope_denied 403:scope_denied 403:scope_denied 403:scope_denied "
          + "403:scope_denied 403:scope_denied 403:scope_denied 403:scope_denied "
          + "403:scope_denied 403:scope_denied "
          + UNAUTHENTICATED),
      Map.entry(ManagementOperation.CACHE_INVALIDATE, "200 403:scope_denied 403:scope_denied 403:scope_denied "
          + "403:scope_denied 403:scope_denied 403:scope_denied 403:scope_denied 403:scope_denied "
          + "403:scope_denied 403:scope_denied "
          + UNAUTHENTICATED),
      Map.entry(ManagementOperation.AUDIT_LIST, "200 200 200 403:scope_denied 200 200 200 200 403:scope_denied 403:scope_denied "
          + "404:not_found "
          + UNAUTHENTICATED),
      Map.entry(ManagementOperation.AUDIT_EXPORT, "200 200 200 403:scope_denied 200 200 200 200 403:scope_denied 403:scope_denied "
          + "404:not_found "
          + UNAUTHENTICATED),
      Map.entry(ManagementOperation.SHIELD_GET, "200 403:scope_denied 403:scope_denied 403:scope_denied "
          + "403:scope_denied 403:scope_denied 403:scope_denied 403:scope_denied 403:scope_denied "
          + "403:scope_denied 403:scope_denied "
          + UNAUTHENTICATED),
      Map.entry(ManagementOperation.SHIELD_DENY, "201 403:scope_denied 403:scope_denied 403:scope_denied "
          + "403:scope_denied 403:scope_denied 403:scope_denied 403:scope_denied 403:scope_denied "
          + "403:scope_denied 403:scope_denied "
          + UNAUTHENTICATED),
      Map.entry(ManagementOperation.SHIELD_ALLOW, "201 403:scope_denied 403:scope_denied 403:scope_denied "
          + "403:scope_denied 403:scope_denied 403:scope_denied 403:scope_denied 403:scope_denied "
          + "403:scope_denied 403:scope_denied "
          + UNAUTHENTICATED),
      Map.entry(ManagementOperation.SHIELD_DENY_REMOVE, "200 403:scope_denied 403:scope_denied 403:scope_denied "
          + "403:scope_denied 403:scope_denied 403:scope_denied 403:scope_denied 403:scope_denied "
          + "403:scope_denied 403:scope_denied "
          + UNAUTHENTICATED),
      Map.entry(ManagementOperation.SHIELD_ALLOW_REMOVE, "200 403:scope_denied 403:scope_denied 403:scope_denied "
          + "403:scope_denied 403:scope_denied 403:scope_denied 403:scope_denied 403:scope_denied "
          + "403:scope_denied 403:scope_denied "
          + UNAUTHENTICATED),
      Map.entry(ManagementOperation.SHIELD_BANS, "200 403:scope_denied 403:scope_denied 403:scope_denied "
          + "403:scope_denied 403:scope_denied 403:scope_denied 403:scope_denied 403:scope_denied "
          + "403:scope_denied 403:scope_denied "
          + UNAUTHENTICATED),
      Map.entry(ManagementOperation.SHIELD_LIFT, "404:not_found 403:scope_denied 403:scope_denied 403:scope_denied "
          + "403:scope_denied 403:scope_denied 403:scope_denied 403:scope_denied 403:scope_denied "
          + "403:scope_denied 403:scope_denied "
          + UNAUTHENTICATED),
      Map.entry(ManagementOperation.ANALYTICS_SLA, "200 403:scope_denied 403:scope_denied 403:scope_denied "
          + "403:scope_denied 403:scope_denied 403:scope_denied 403:scope_denied 403:scope_denied "
          + "403:scope_denied 403:scope_denied "
          + UNAUTHENTICATED),
      Map.entry(ManagementOperation.ANALYTICS_COSTS, "200 403:scope_denied 403:scope_denied 403:scope_denied "
          + "403:scope_denied 403:scope_denied 403:scope_denied 403:scope_denied 403:scope_denied "
          + "403:scope_denied 403:scope_denied "
          + UNAUTHENTICATED),
      Map.entry(ManagementOperation.ANALYTICS_CUSTOMERS, "200 403:scope_denied 403:scope_denied 403:scope_denied "
          + "403:scope_denied 403:scope_denied 403:scope_denied 403:scope_denied 403:scope_denied "
          + "403:scope_denied 403:scope_denied "
          + UNAUTHENTICATED),
      Map.entry(ManagementOperation.ANALYTICS_WHAT_IF, "200 403:scope_denied 403:scope_denied 403:scope_denied "
          + "403:scope_denied 403:scope_denied 403:scope_denied 403:scope_denied 403:scope_denied "
          + "403:scope_denied 403:scope_denied "
          + UNAUTHENTICATED),
      Map.entry(ManagementOperation.INVOICE_LIST, "200 200 200 200 200 200 200 200 200 200 404:not_found "
          + UNAUTHENTICATED),
      Map.entry(ManagementOperation.INVOICE_GET, "404:not_found 404:not_found 404:not_found 404:not_found 404:not_found "
          + "404:not_found 404:not_found 404:not_found 404:not_found 404:not_found "
          + "404:not_found "
          + UNAUTHENTICATED),
      Map.entry(ManagementOperation.PRICING_GET, "200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
      Map.entry(ManagementOperation.PLANS_GET, "200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
      Map.entry(ManagementOperation.USAGE_DAYS, "200 200 200 200 200 200 200 200 200 200 404:not_found "
          + UNAUTHENTICATED),
      // the page and its assets hold no data: anyone loads them, whatever credential comes along
      Map.entry(ManagementOperation.DASHBOARD_PAGE, "200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
      Map.entry(ManagementOperation.DASHBOARD_ASSET, "200 200 200 200 200 200 200 200 200 200 200 200 200 200"),
      // sign-in without the dashboard's marker header (a forged cross-site request) opens nothing; tokens never
      Map.entry(ManagementOperation.SESSION_OPEN, "400:bad_request 400:bad_request 400:bad_request 400:bad_request "
          + "403:token_not_allowed 403:token_not_allowed 403:token_not_allowed 403:token_not_allowed "
          + "403:token_not_allowed 403:token_not_allowed 400:bad_request "
          + UNAUTHENTICATED),
      Map.entry(ManagementOperation.SESSION_GET, "200 200 200 200 200 200 200 200 200 200 200 "
          + UNAUTHENTICATED),
      Map.entry(ManagementOperation.SESSION_CLOSE, "200 200 200 200 200 200 200 200 200 200 200 "
          + UNAUTHENTICATED)));

  /** Starts the example with this clock and these management limits. */
  protected abstract ExampleUnderTest start(TimeSource time, ManagementLimits limits) throws Exception;

  private final ExampleUnderTest.MovableTime time = new ExampleUnderTest.MovableTime();
  private ExampleUnderTest app;
  private final Map<Who, String[]> credentials = new EnumMap<>(Who.class);

  @BeforeEach
  void startAndIssueCredentials() throws Exception {
    // generous rates: this suite is about who may do what, not how often
    app = start(time, ManagementLimits.custom().perKey(ManagementLimits.unlimited())
        .perOrganization(ManagementLimits.unlimited()).keyCreation(ManagementLimits.unlimited())
        .tokenMinting(ManagementLimits.unlimited()).build());
    var m = app.monetize();
    m.customers().save(new Customer(ORG, "pro", BillingAnchor.DEFAULT, "Matrix A"));
    m.customers().save(new Customer(OTHER, "pro", BillingAnchor.DEFAULT, "Matrix B"));
    m.wallet().topUp(ORG, new java.math.BigDecimal("100"), "left-from-prepaid", ""); // what the deduction takes
    key(Who.OPERATOR, app.demoKeys().get("admin"));
    key(Who.STAR, m.keys().issue(ORG, Set.of("*")).secret());
    key(Who.KEYS_WRITE, m.keys().issue(ORG, Set.of("keys:write")).secret());
    key(Who.READ_ONLY, m.keys().issue(ORG, Set.of("stats:read")).secret());
    key(Who.OTHER_ORGANIZATION_ADMIN, m.keys().issue(OTHER, Set.of("*")).secret());
    for (Who from : List.of(Who.STAR, Who.KEYS_WRITE, Who.READ_ONLY)) { // the operator credential mints none
      ExampleUnderTest.Answer minted = app.send("POST", "/monetize/tokens", credentials.get(from)[0],
          credentials.get(from)[1], "{\"ttl_seconds\":3600}");
      assertThat(minted.status()).as("minting a token with %s: %s", from, minted.body()).isEqualTo(200);
      String token = minted.json().path("token").asText();
      credentials.put(Who.valueOf(from + "_TOKEN_BEARER"), new String[] {"Authorization", "Bearer " + token});
      credentials.put(Who.valueOf(from + "_TOKEN_X_API_KEY"), new String[] {"X-API-Key", token});
    }
    var revoked = m.keys().issue(ORG, Set.of("*"));
    m.keys().revoke(revoked.key().id());
    key(Who.REVOKED, revoked.secret());
    var rotated = m.keys().issue(ORG, Set.of("*"));
    m.keys().rotate(rotated.key().id(), Duration.ZERO);
    key(Who.ROTATED_OUT, rotated.secret());
    var expiring = m.keys().issue(KeyRequest.of(ORG, Set.of("*")).expiresAt(java.util.Optional.of(
        time.now().plusSeconds(60))));
    key(Who.EXPIRED, expiring.secret());
    time.advance(Duration.ofMinutes(2));
  }

  private void key(Who who, String secret) {
    credentials.put(who, new String[] {"Authorization", "Bearer " + secret});
  }

  @AfterEach
  void stop() {
    app.close();
  }

  @Test
  void everyOperationOfTheTableHasARow() {
    assertThat(EXPECTED.keySet()).containsExactlyInAnyOrder(ManagementOperation.values());
    EXPECTED.forEach((op, row) -> assertThat(row.split(" ")).as(op.name()).hasSize(Who.values().length));
  }

  @Test
  void everyOperationTimesEveryPrincipalAnswersAsTheTableSays() {
    List<String> wrong = new ArrayList<>();
    int cells = 0;
    for (ManagementOperation op : ManagementOperation.values()) {
      String[] expected = EXPECTED.get(op).split(" ");
      for (Who who : Who.values()) {
        String[] credential = credentials.get(who);
        String[] request = request(op);
        ExampleUnderTest.Answer a = app.send(op.method(), "/monetize" + request[0], credential[0], credential[1],
            request[1]);
        String got = a.status() + (a.status() >= 400 ? ":" + a.code() : "");
        cells++;
        if (!got.equals(expected[who.ordinal()])) {
          wrong.add(op + " x " + who + ": expected " + expected[who.ordinal()] + ", got " + got + " " + a.body());
        }
        if (op.method().equals("GET")) { // HEAD wherever GET: the same status (and no body to read a code from)
          ExampleUnderTest.Answer head = app.send("HEAD", "/monetize" + request[0], credential[0], credential[1], null);
          String status = expected[who.ordinal()].split(":")[0];
          if (!String.valueOf(head.status()).equals(status) || !head.body().isEmpty()) {
            wrong.add("HEAD " + op + " x " + who + ": expected " + status + " without a body, got " + head.status()
                + " " + head.body());
          }
        }
      }
    }
    assertThat(cells).isEqualTo(ManagementOperation.values().length * Who.values().length);
    assertThat(wrong).as("cells that differ from the matrix").isEmpty();
  }

  /**
   * A key the operator raised above the plan: only the operator rotates it (another key would take the
   * raise and lock its holder out), while revoking it takes what revoking any key takes.
   */
  @Test
  void aKeyTheOperatorRaisedIsRotatedOnlyByTheOperator() {
    String expected = "200 403:scope_escalation 403:scope_escalation 403:scope_denied 403:token_not_allowed "
        + "403:token_not_allowed 403:token_not_allowed 403:token_not_allowed 403:token_not_allowed "
        + "403:token_not_allowed 404:not_found " + UNAUTHENTICATED;
    List<String> wrong = new ArrayList<>();
    for (Who who : Who.values()) {
      String[] credential = credentials.get(who);
      ExampleUnderTest.Answer a = app.send("POST", "/monetize/keys/" + raisedKey() + "/rotate", credential[0],
          credential[1], "{\"overlap_seconds\":0}");
      String got = a.status() + (a.status() >= 400 ? ":" + a.code() : "");
      if (!got.equals(expected.split(" ")[who.ordinal()])) {
        wrong.add(who + ": expected " + expected.split(" ")[who.ordinal()] + ", got " + got + " " + a.body());
      }
    }
    assertThat(wrong).as("rotations of a raised key that differ").isEmpty();
    String[] admin = credentials.get(Who.STAR);
    assertThat(app.send("POST", "/monetize/keys/" + raisedKey() + "/revoke", admin[0], admin[1], null).status())
        .isEqualTo(200);
  }

  /** A fresh key of matrix-a that the operator issued with a rate far above the plan's. */
  private String raisedKey() {
    String[] operator = credentials.get(Who.OPERATOR);
    ExampleUnderTest.Answer a = app.send("POST", "/monetize/keys", operator[0], operator[1],
        "{\"organization_id\":\"" + ORG + "\",\"scopes\":[\"stats:read\"],\"limits\":{\"rate\":1000000}}");
    assertThat(a.status()).as(a.body()).isEqualTo(201);
    return a.json().path("id").asText();
  }

  /** The path (below /monetize) and body of one request of {@code op} aimed at organization matrix-a. */
  private String[] request(ManagementOperation op) {
    return switch (op) {
      case ORGANIZATION_CREATE -> new String[] {"/organizations", "{\"name\":\"New\",\"plan\":\"free\"}"};
      case ORGANIZATION_GET -> new String[] {"/organizations/" + ORG, null};
      case ORGANIZATION_UPDATE -> new String[] {"/organizations/" + ORG, "{\"plan\":\"pro\",\"at\":\"period_end\"}"};
      case PLAN_CHANGE_CANCEL -> new String[] {scheduledPlanChange(), null};
      case PROJECT_CREATE -> new String[] {"/projects",
          "{\"organization_id\":\"" + ORG + "\",\"name\":\"p\",\"scopes\":[\"stats:read\"]}"};
      case KEY_CREATE -> new String[] {"/keys", "{\"organization_id\":\"" + ORG + "\",\"scopes\":[\"stats:read\"]}"};
      case KEY_LIST -> new String[] {"/keys?organization_id=" + ORG, null};
      case KEY_GET -> new String[] {"/keys/" + strongKey(), null};
      case KEY_ROTATE -> new String[] {"/keys/" + strongKey() + "/rotate", "{\"overlap_seconds\":0}"};
      case KEY_REVOKE -> new String[] {"/keys/" + strongKey() + "/revoke", null};
      case TOKEN_MINT -> new String[] {"/tokens", "{}"};
      case USAGE_GET -> new String[] {"/usage?customer_id=" + ORG, null};
      case CREDITS_GET -> new String[] {"/credits?customer_id=" + ORG, null};
      // a deduction: the demo's plans are invoiced, so their wallets take no top-up (409 plan_not_prepaid)
      case CREDITS_TOP_UP -> new String[] {"/credits", "{\"customer_id\":\"" + ORG + "\",\"amount\":\"-1.50\"}"};
      case INVOICE_LIST -> new String[] {"/invoices?customer_id=" + ORG, null};
      case INVOICE_GET -> new String[] {"/invoices/INV-none?customer_id=" + ORG, null};
      case CACHE_INVALIDATE -> new String[] {"/cache/invalidate", "{\"tag\":\"stats\",\"customer_id\":\"" + ORG + "\"}"};
      case PRICING_GET -> new String[] {"/pricing", null};
      case PLANS_GET -> new String[] {"/plans", null};
      case USAGE_DAYS -> new String[] {"/usage/days?customer_id=" + ORG, null};
      case DASHBOARD_PAGE -> new String[] {"/dashboard", null};
      case DASHBOARD_ASSET -> new String[] {"/dashboard/" + dashboardScript(), null};
      case SESSION_OPEN -> new String[] {"/dashboard/session", null};
      case SESSION_GET -> new String[] {"/dashboard/session", null};
      case SESSION_CLOSE -> new String[] {"/dashboard/session", null};
      case AUDIT_LIST -> new String[] {"/audit?customer_id=" + ORG, null};
      case AUDIT_EXPORT -> new String[] {"/audit/export?customer_id=" + ORG, null};
      case SHIELD_GET -> new String[] {"/shield", null};
      case SHIELD_DENY -> new String[] {"/shield/deny", "{\"cidr\":\"198.51.100.0/24\"}"};
      case SHIELD_ALLOW -> new String[] {"/shield/allow", "{\"cidr\":\"192.0.2.0/24\"}"};
      case SHIELD_DENY_REMOVE -> new String[] {"/shield/deny/" + shieldEntry("deny"), null};
      case SHIELD_ALLOW_REMOVE -> new String[] {"/shield/allow/" + shieldEntry("allow"), null};
      case SHIELD_BANS -> new String[] {"/shield/bans", null};
      case SHIELD_LIFT -> new String[] {"/shield/bans/203.0.113.77", null};
      case ANALYTICS_SLA -> new String[] {"/analytics/sla", null};
      case ANALYTICS_COSTS -> new String[] {"/analytics/costs", null};
      case ANALYTICS_CUSTOMERS -> new String[] {"/analytics/customers", null};
      case ANALYTICS_WHAT_IF -> new String[] {"/analytics/what-if", "{\"plan\":\"pro\"}"};
    };
  }

  /** The dashboard script's path below /monetize/dashboard/, as its page names it (the name carries a digest). */
  private String dashboardScript() {
    ExampleUnderTest.Answer page = app.send("GET", "/monetize/dashboard", "X-Request-Id", "matrix", null);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("assets/dashboard-[0-9a-f]+\\.js").matcher(page.body());
    assertThat(m.find()).as(page.body()).isTrue();
    return m.group();
  }

  /** The path of a plan change the operator has just scheduled for the matrix organization. */
  private String scheduledPlanChange() {
    String[] operator = credentials.get(Who.OPERATOR);
    app.send("PATCH", "/monetize/organizations/" + ORG, operator[0], operator[1],
        "{\"plan\":\"pro\",\"at\":\"period_end\"}");
    return "/organizations/" + ORG + "/scheduled-plan-change";
  }

  /** A fresh entry of the shield's {@code list}, added by the operator: its id. */
  private String shieldEntry(String list) {
    String[] operator = credentials.get(Who.OPERATOR);
    ExampleUnderTest.Answer a = app.send("POST", "/monetize/shield/" + list, operator[0], operator[1],
        "{\"cidr\":\"203.0.113.0/28\",\"until\":\"2099-01-01T00:00:00Z\"}");
    assertThat(a.status()).as(a.body()).isEqualTo(201);
    return a.json().path("id").asText();
  }

  /** A fresh key of matrix-a holding {@code *}: stronger than a keys:write key. */
  private String strongKey() {
    return app.monetize().keys().issue(ORG, Set.of("*")).key().id();
  }
}
