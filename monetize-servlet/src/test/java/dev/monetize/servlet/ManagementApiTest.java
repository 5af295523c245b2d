package dev.monetize.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.management.ManagementApi;
import dev.monetize.ManualTimeSource;
import dev.monetize.Monetize;
import dev.monetize.keys.KeyEnvironment;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The management API through the servlet filter, over real HTTP: the contract, tenancy, lifecycle. */
class ManagementApiTest {
  private final ObjectMapper json = new ObjectMapper();
  private final ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-11-24T10:00:00Z"));
  private FilteredJetty jetty;
  private Monetize monetize;
  private String operator;

  @BeforeEach
  void start() throws Exception {
    Catalog catalog = Catalog.builder()
        .plan(Plan.builder("basic").rank(0).rate(Rate.perSecond(100).withBurst(100)).quota(Quota.daily(1000))
            .scopes("stats:*", "keys:write").build())
        .plan(Plan.builder("operator").rank(9).rate(Rate.perSecond(100).withBurst(100)).quota(Quota.daily(1000)).build())
        .operation(Operation.builder("stats", "GET", "/stats").scope("stats:read")
            .price(dev.monetize.plans.Price.of("0.002", "USD", "call")).build())
        .build();
    // every call's own rate is generous here: these tests are about the tighter creation and minting rates
    monetize = Monetize.builder().catalog(catalog).timeSource(time).environment(KeyEnvironment.TEST)
        .usageSink(batch -> { }).auditSink(batch -> { })
        .managementLimits(dev.monetize.management.ManagementLimits.custom()
            .perKey(dev.monetize.management.ManagementLimits.unlimited())
            .perOrganization(dev.monetize.management.ManagementLimits.unlimited()).build())
        .build();
    monetize.customers().save(Customer.of("ops", "operator"));
    operator = monetize.keys().issueOperatorKey("ops").secret();
    jetty = FilteredJetty.start(new MonetizeFilter(monetize), Map.of("/stats", FilteredJetty.text("stats")));
  }

  @AfterEach
  void stop() throws Exception {
    jetty.close();
    monetize.close();
  }

  private HttpResponse<String> call(String method, String path, String key, String body) throws Exception {
    return jetty.call(method, path, key, body);
  }

  private JsonNode ok(HttpResponse<String> r, int status) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    return json.readTree(r.body());
  }

  private JsonNode problem(HttpResponse<String> r, int status, String code) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    JsonNode n = json.readTree(r.body());
    assertThat(n.get("code").asText()).isEqualTo(code);
    assertThat(n.get("hint").asText()).isNotBlank();
    return n;
  }

  private String org(String name) throws Exception {
    return ok(call("POST", "/monetize/organizations", operator, "{\"name\":\"" + name + "\",\"plan\":\"basic\"}"), 201)
        .get("id").asText();
  }

  private JsonNode key(String admin, String body) throws Exception {
    return ok(call("POST", "/monetize/keys", admin, body), 201);
  }

  @Test
  void createUseRotateRevokeFollowsTheContract() throws Exception {
    JsonNode org = ok(call("POST", "/monetize/organizations", operator,
        "{\"name\":\"Acme\",\"plan\":\"basic\",\"billing_day\":15,\"time_zone\":\"Europe/Berlin\"}"), 201);
    assertThat(org.get("name").asText()).isEqualTo("Acme");
    assertThat(org.get("plan").asText()).isEqualTo("basic");
    String orgId = org.get("id").asText();
    // its id taken: a conflict that changes nothing; an offset off the quarter hours: refused
    problem(call("POST", "/monetize/organizations", operator,
        "{\"id\":\"" + orgId + "\",\"name\":\"Other\",\"plan\":\"basic\"}"), 409, "already_exists");
    assertThat(ok(call("GET", "/monetize/organizations/" + orgId, operator, null), 200).get("name").asText())
        .isEqualTo("Acme");
    problem(call("POST", "/monetize/organizations", operator,
        "{\"name\":\"Odd\",\"plan\":\"basic\",\"time_zone\":\"+05:17\"}"), 400, "bad_request");
    JsonNode project = ok(call("POST", "/monetize/projects", operator,
        "{\"organization_id\":\"" + orgId + "\",\"name\":\"dashboards\",\"scopes\":[\"stats:read\"]}"), 201);
    String projectId = project.get("id").asText();

    JsonNode created = key(operator, "{\"project_id\":\"" + projectId + "\",\"scopes\":[\"stats:read\"]}");
    String id = created.get("id").asText();
    String secret = created.get("secret").asText();
    assertThat(created.get("organization_id").asText()).isEqualTo(orgId);
    assertThat(created.get("project_id").asText()).isEqualTo(projectId);
    assertThat(created.toString()).doesNotContain("hash");
    assertThat(call("GET", "/stats", secret, null).statusCode()).isEqualTo(200);

    JsonNode fetched = ok(call("GET", "/monetize/keys/" + id, operator, null), 200);
    assertThat(fetched.has("secret")).isFalse();
    assertThat(fetched.toString()).doesNotContain(secret).doesNotContain("hash");

    JsonNode rotated = ok(call("POST", "/monetize/keys/" + id + "/rotate", operator, "{\"overlap_seconds\":3600}"), 200);
    String newSecret = rotated.get("secret").asText();
    assertThat(newSecret).isNotEqualTo(secret);
    assertThat(rotated.get("previous_valid_until").asText()).isEqualTo("2026-11-24T11:00:00Z");
    assertThat(call("GET", "/stats", secret, null).statusCode()).as("old secret during the overlap").isEqualTo(200);
    assertThat(call("GET", "/stats", newSecret, null).statusCode()).isEqualTo(200);
    time.advance(Duration.ofMinutes(61));
    problem(call("GET", "/stats", secret, null), 401, "key_rotated");
    assertThat(call("GET", "/stats", newSecret, null).statusCode()).isEqualTo(200);

    JsonNode revoked = ok(call("POST", "/monetize/keys/" + id + "/revoke", operator, null), 200);
    assertThat(revoked.get("status").asText()).isEqualTo("revoked");
    problem(call("GET", "/stats", newSecret, null), 401, "key_revoked");
  }

  @Test
  void anotherOrganizationsObjectsAre404AndNeverLeak() throws Exception {
    String acme = org("Acme");
    String globex = org("Globex");
    String acmeAdmin = key(operator, "{\"organization_id\":\"" + acme + "\",\"scopes\":[\"keys:write\",\"stats:read\"]}")
        .get("secret").asText();
    JsonNode globexKey = key(operator, "{\"organization_id\":\"" + globex + "\",\"scopes\":[\"stats:read\"]}");
    String globexId = globexKey.get("id").asText();

    problem(call("GET", "/monetize/keys/" + globexId, acmeAdmin, null), 404, "not_found");
    problem(call("POST", "/monetize/keys/" + globexId + "/revoke", acmeAdmin, null), 404, "not_found");
    problem(call("POST", "/monetize/keys/" + globexId + "/rotate", acmeAdmin, "{}"), 404, "not_found");
    problem(call("GET", "/monetize/keys?organization_id=" + globex, acmeAdmin, null), 404, "not_found");
    problem(call("POST", "/monetize/keys", acmeAdmin, "{\"organization_id\":\"" + globex + "\",\"scopes\":[\"stats:read\"]}"),
        404, "not_found");
    problem(call("GET", "/monetize/organizations/" + globex, acmeAdmin, null), 404, "not_found");
    // creating an organization is the operator's: another tenant's id is refused before it is looked
    // up, with the same answer as a free one (no 409 tells which ids exist)
    HttpResponse<String> taken = call("POST", "/monetize/organizations", acmeAdmin,
        "{\"id\":\"" + globex + "\",\"name\":\"Mine\",\"plan\":\"basic\"}");
    HttpResponse<String> free = call("POST", "/monetize/organizations", acmeAdmin,
        "{\"id\":\"org_unused_123\",\"name\":\"Mine\",\"plan\":\"basic\"}");
    assertThat(problem(taken, 403, "scope_denied").get("detail")).isEqualTo(problem(free, 403, "scope_denied").get("detail"));
    // the key still works: nothing of Globex changed
    assertThat(call("GET", "/stats", globexKey.get("secret").asText(), null).statusCode()).isEqualTo(200);
    // its own organization is fine
    key(acmeAdmin, "{\"organization_id\":\"" + acme + "\",\"scopes\":[\"stats:read\"]}");
    // only the operator creates organizations
    problem(call("POST", "/monetize/organizations", acmeAdmin, "{\"name\":\"Evil\",\"plan\":\"operator\"}"), 403,
        "scope_denied");
  }

  @Test
  void aChildNeverHoldsMoreThanItsParent() throws Exception {
    String acme = org("Acme");
    String admin = key(operator, "{\"organization_id\":\"" + acme + "\",\"scopes\":[\"keys:write\",\"stats:read\"]}")
        .get("secret").asText();
    // more than the admin's own key
    JsonNode p = problem(call("POST", "/monetize/keys", admin,
        "{\"organization_id\":\"" + acme + "\",\"scopes\":[\"stats:*\"]}"), 403, "scope_escalation");
    assertThat(p.get("detail").asText()).contains("stats:*");
    // more than the plan
    problem(call("POST", "/monetize/keys", operator, "{\"organization_id\":\"" + acme + "\",\"scopes\":[\"export:read\"]}"),
        403, "scope_escalation");
    // more than the project
    String project = ok(call("POST", "/monetize/projects", operator,
        "{\"organization_id\":\"" + acme + "\",\"name\":\"p\",\"scopes\":[\"stats:read\"]}"), 201).get("id").asText();
    problem(call("POST", "/monetize/keys", operator, "{\"project_id\":\"" + project + "\",\"scopes\":[\"stats:raw\"]}"),
        403, "scope_escalation");
    // the operator scope is never handed out by a customer's admin
    problem(call("POST", "/monetize/keys", admin,
        "{\"organization_id\":\"" + acme + "\",\"scopes\":[\"monetize:admin\"]}"), 403, "scope_escalation");
    // a limit above the plan's, asked by the customer's admin
    problem(call("POST", "/monetize/keys", admin,
        "{\"organization_id\":\"" + acme + "\",\"scopes\":[\"stats:read\"],\"limits\":{\"daily\":5000}}"), 403,
        "scope_escalation");
    JsonNode lower = key(admin, "{\"organization_id\":\"" + acme + "\",\"scopes\":[\"stats:read\"],\"limits\":{\"daily\":2}}");
    assertThat(lower.get("limits").get("daily").asLong()).isEqualTo(2);
    String s = lower.get("secret").asText();
    assertThat(call("GET", "/stats", s, null).statusCode()).isEqualTo(200);
    assertThat(call("GET", "/stats", s, null).statusCode()).isEqualTo(200);
    HttpResponse<String> third = call("GET", "/stats", s, null);
    assertThat(problem(third, 429, "quota_exhausted").get("violated_policies").toString()).contains("daily-key");
    // a key that holds no admin scope cannot manage keys at all, and is told so in one sentence
    JsonNode denied = problem(call("POST", "/monetize/keys", s,
        "{\"organization_id\":\"" + acme + "\",\"scopes\":[\"stats:read\"]}"), 403, "scope_denied");
    assertThat(denied.get("detail").asText())
        .isEqualTo("Scope 'keys:write' is needed to issue a key, and key " + lower.get("id").asText() + " does not hold it.");
  }

  @Test
  void theOperatorReadsAChosenOrganizationsUsageAndInvoicesAndUnknownQueryParametersAreRefused() throws Exception {
    String acme = org("Acme");
    String secret = key(operator, "{\"organization_id\":\"" + acme + "\",\"scopes\":[\"stats:read\"]}")
        .get("secret").asText();
    for (int i = 0; i < 2; i++) {
      assertThat(call("GET", "/stats", secret, null).statusCode()).isEqualTo(200);
    }
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> monetize.metrics().inFlight() == 0);
    JsonNode theirs = ok(call("GET", "/monetize/usage?customer_id=" + acme, operator, null), 200);
    assertThat(theirs.get("customer_id").asText()).isEqualTo(acme);
    assertThat(theirs.at("/usage/requests").asLong()).isEqualTo(2);
    assertThat(ok(call("GET", "/monetize/usage", operator, null), 200).get("customer_id").asText()).isEqualTo("ops");
    JsonNode invoices = ok(call("GET", "/monetize/invoices?customer_id=" + acme, operator, null), 200);
    String number = invoices.at("/data/0/id").asText();
    assertThat(number).isEqualTo("draft");
    assertThat(ok(call("GET", "/monetize/invoices/" + number + "?customer_id=" + acme, operator, null), 200)
        .at("/lines/0/quantity").asLong()).isEqualTo(2);
    // a customer asking for another organization finds nothing; for itself by id, its own
    String other = org("Globex");
    String theirKey = key(operator, "{\"organization_id\":\"" + other + "\",\"scopes\":[\"keys:write\"]}")
        .get("secret").asText();
    problem(call("GET", "/monetize/usage?customer_id=" + acme, theirKey, null), 404, "not_found");
    problem(call("GET", "/monetize/invoices?customer_id=" + acme, theirKey, null), 404, "not_found");
    assertThat(ok(call("GET", "/monetize/usage?customer_id=" + other, theirKey, null), 200).get("customer_id")
        .asText()).isEqualTo(other);
    // a misspelled parameter is refused, not silently ignored
    JsonNode typo = problem(call("GET", "/monetize/usage?customer=" + acme, operator, null), 400, "bad_request");
    assertThat(typo.get("detail").asText()).isEqualTo("Unknown query parameter 'customer'; this operation takes "
        + "customer_id.");
    assertThat(problem(call("GET", "/monetize/pricing?x=1", secret, null), 400, "bad_request").get("detail").asText())
        .endsWith("this operation takes none.");
  }

  @Test
  void usageShowsTheCallersCustomerInRealTime() throws Exception {
    String acme = org("Acme");
    String secret = key(operator, "{\"organization_id\":\"" + acme + "\",\"scopes\":[\"stats:read\"]}")
        .get("secret").asText();
    for (int i = 0; i < 3; i++) {
      assertThat(call("GET", "/stats", secret, null).statusCode()).isEqualTo(200);
    }
    // a response can reach the client just before the filter's finally has metered it
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> monetize.metrics().inFlight() == 0);
    JsonNode u = ok(call("GET", "/monetize/usage", secret, null), 200);
    assertThat(u.get("customer_id").asText()).isEqualTo(acme);
    assertThat(u.get("plan").asText()).isEqualTo("basic");
    assertThat(u.get("period_start").asText()).isEqualTo("2026-11-01T00:00:00Z");
    assertThat(u.get("period_end").asText()).isEqualTo("2026-12-01T00:00:00Z");
    assertThat(u.at("/usage/requests").asLong()).isEqualTo(3);
    assertThat(u.at("/usage/by_operation/stats").asLong()).isEqualTo(3);
    assertThat(u.get("limits").toString()).contains("\"name\":\"daily\"");
    JsonNode daily = null;
    for (JsonNode l : u.get("limits")) {
      if (l.get("name").asText().equals("daily")) {
        daily = l;
      }
    }
    assertThat(daily.get("remaining").asLong()).isEqualTo(997);
    assertThat(u.at("/cost/USD").asText()).isEqualTo("0.01"); // the draft invoice's total: 0.006 rounded half even
    // the draft invoice of the period: one line per operation at the plan's price
    JsonNode list = ok(call("GET", "/monetize/invoices", secret, null), 200);
    String number = list.at("/data/0/id").asText();
    assertThat(number).isEqualTo("draft");
    assertThat(list.at("/data/0/number").isNull()).isTrue();
    assertThat(list.at("/data/0/total").asText()).isEqualTo("0.01");
    JsonNode invoice = ok(call("GET", "/monetize/invoices/" + number, secret, null), 200);
    assertThat(invoice.at("/lines/0/quantity").asLong()).isEqualTo(3);
    assertThat(invoice.at("/lines/0/amount").asText()).isEqualTo("0.01"); // 0.006 rounded half even
    assertThat(invoice.get("total").asText()).isEqualTo("0.01");
    problem(call("GET", "/monetize/invoices/INV-someone-else-20261101", secret, null), 404, "not_found");
    // the report itself is not billable: asking again changes nothing
    JsonNode again = ok(call("GET", "/monetize/usage", secret, null), 200);
    assertThat(again.at("/usage/requests").asLong()).isEqualTo(3);
    // another organization's key sees its own, empty, usage
    String other = key(operator, "{\"organization_id\":\"" + org("Globex") + "\",\"scopes\":[\"stats:read\"]}")
        .get("secret").asText();
    assertThat(ok(call("GET", "/monetize/usage", other, null), 200).at("/usage/requests").asLong()).isZero();
  }

  @Test
  void listingIsPaginatedAndCapped() throws Exception {
    String acme = org("Acme");
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 7; i++) {
      ids.add(key(operator, "{\"organization_id\":\"" + acme + "\",\"scopes\":[\"stats:read\"]}").get("id").asText());
    }
    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page = ok(call("GET", "/monetize/keys?organization_id=" + acme + "&limit=3"
          + (cursor == null ? "" : "&cursor=" + cursor), operator, null), 200);
      assertThat(page.get("data").size()).isLessThanOrEqualTo(3);
      page.get("data").forEach(k -> {
        seen.add(k.get("id").asText());
        assertThat(k.has("secret")).isFalse();
      });
      cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
    } while (cursor != null);
    assertThat(seen).hasSize(7).containsExactlyInAnyOrderElementsOf(ids);
    problem(call("GET", "/monetize/keys?organization_id=" + acme + "&limit=1000", operator, null), 400, "bad_request");
    problem(call("GET", "/monetize/keys?organization_id=" + acme + "&cursor=!!!", operator, null), 400, "bad_request");
    problem(call("GET", "/monetize/keys?organization_id=" + acme + "&cursor=zzz", operator, null), 400, "bad_request");
  }

  /** HEAD wherever GET (RFC 9110): the GET's status and headers, no body; its length announced. */
  @Test
  void headOnAReadIsItsGetWithoutTheBody() throws Exception {
    String acme = org("Acme");
    HttpResponse<String> get = call("GET", "/monetize/keys?organization_id=" + acme, operator, null);
    HttpResponse<String> head = call("HEAD", "/monetize/keys?organization_id=" + acme, operator, null);
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("Content-Type")).isEqualTo(get.headers().firstValue("Content-Type"));
    assertThat(head.headers().firstValue("Content-Length")).hasValue(Integer.toString(
        get.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
    assertThat(call("HEAD", "/monetize/keys?organization_id=" + acme, null, null).statusCode()).isEqualTo(401);
    assertThat(call("HEAD", "/monetize/dashboard", null, null).statusCode()).isEqualTo(200);
    assertThat(call("HEAD", "/monetize/keys/nope/rotate", operator, null).headers().firstValue("Allow")).hasValue("POST");
  }

  @Test
  void badInputIsAProblemNeverA500() throws Exception {
    String acme = org("Acme");
    for (String body : List.of("not json", "[]", "{\"scopes\":[\"stats:read\"]}", "{\"organization_id\":\"" + acme
        + "\",\"scopes\":[]}", "{\"organization_id\":\"" + acme + "\",\"scopes\":[\"stats:read\"],\"colour\":1}",
        "{\"organization_id\":\"" + acme + "\",\"scopes\":[\"stats:read\"],\"expires_at\":\"tomorrow\"}",
        "{\"organization_id\":\"" + acme + "\",\"scopes\":[\"stats:read\"],\"expires_at\":\"2020-01-01T00:00:00Z\"}",
        "{\"organization_id\":\"" + acme + "\",\"scopes\":[\"stats:read\"],\"environment\":\"live\"}",
        "{\"organization_id\":\"" + acme + "\",\"scopes\":[\"bad scope!\"]}",
        "{\"organization_id\":\"" + acme + "\",\"scopes\":[\"stats:read\"],\"limits\":{\"nope\":1}}")) {
      problem(call("POST", "/monetize/keys", operator, body), 400, "bad_request");
    }
    problem(call("POST", "/monetize/organizations", operator, "{\"name\":\"x\",\"plan\":\"gold\"}"), 400, "bad_request");
    problem(call("POST", "/monetize/organizations", operator, "{\"name\":\"x\",\"plan\":\"basic\",\"time_zone\":\"Mars/Olympus\"}"),
        400, "bad_request");
    problem(call("POST", "/monetize/keys", operator, "{\"a\":\"" + "x".repeat(70_000) + "\"}"), 413, "payload_too_large");
    HttpResponse<String> wrong = call("DELETE", "/monetize/keys", operator, null);
    problem(wrong, 405, "method_not_allowed");
    assertThat(wrong.headers().firstValue("Allow")).contains("GET, HEAD, POST");
    problem(call("GET", "/monetize/nothing", operator, null), 404, "not_found");
    problem(call("GET", "/monetize/keys", null, null), 401, "key_missing");
  }

  @Test
  void keyCreationAndTokenMintingAreRateLimited() throws Exception {
    String acme = org("Acme");
    String admin = key(operator, "{\"organization_id\":\"" + acme + "\",\"scopes\":[\"keys:write\",\"stats:read\"]}")
        .get("secret").asText();
    int created = 0;
    HttpResponse<String> last = null;
    for (int i = 0; i < 12; i++) {
      last = call("POST", "/monetize/keys", admin, "{\"organization_id\":\"" + acme + "\",\"scopes\":[\"stats:read\"]}");
      if (last.statusCode() == 201) {
        created++;
      }
    }
    assertThat(created).isEqualTo(10); // a burst of 10, then 30 per minute
    problem(last, 429, "rate_limited");
    assertThat(last.headers().firstValue("Retry-After")).isPresent();
    // named as an API refusal names them (the rate-limit draft's violated-policies)
    assertThat(json.readTree(last.body()).get("violated_policies").toString()).isEqualTo("[\"key-creation\"]");
    int minted = 0;
    HttpResponse<String> mint = null;
    for (int i = 0; i < 32; i++) {
      mint = call("POST", "/monetize/tokens", admin, "{}");
      if (mint.statusCode() == 200) {
        minted++;
      }
    }
    assertThat(minted).isEqualTo(30);
    assertThat(json.readTree(mint.body()).get("violated_policies").toString()).isEqualTo("[\"token-minting\"]");
  }

  @Test
  void tokensActLikeTheirKeyWithNarrowerScopesAndDieWithIt() throws Exception {
    String acme = org("Acme");
    JsonNode k = key(operator, "{\"organization_id\":\"" + acme + "\",\"scopes\":[\"stats:read\",\"keys:write\"]}");
    String secret = k.get("secret").asText();
    JsonNode t = ok(call("POST", "/monetize/tokens", secret, "{\"scopes\":[\"stats:read\"],\"ttl_seconds\":120}"), 200);
    String token = t.get("token").asText();
    assertThat(t.get("expires_at").asText()).isEqualTo("2026-11-24T10:02:00Z");
    assertThat(call("GET", "/stats", token, null).statusCode()).isEqualTo(200);
    // a token never creates keys, although its key could
    problem(call("POST", "/monetize/keys", token, "{\"organization_id\":\"" + acme + "\",\"scopes\":[\"stats:read\"]}"),
        403, "token_not_allowed");
    problem(call("POST", "/monetize/tokens", secret, "{\"scopes\":[\"stats:*\"]}"), 403, "scope_escalation");
    problem(call("POST", "/monetize/tokens", secret, "{\"ttl_seconds\":86400}"), 400, "bad_request");
    time.advance(Duration.ofSeconds(121 + 30));
    problem(call("GET", "/stats", token, null), 401, "token_expired");
    String fresh = ok(call("POST", "/monetize/tokens", secret, "{}"), 200).get("token").asText();
    assertThat(call("GET", "/stats", fresh, null).statusCode()).isEqualTo(200);
    ok(call("POST", "/monetize/keys/" + k.get("id").asText() + "/revoke", operator, null), 200);
    problem(call("GET", "/stats", fresh, null), 401, "token_invalid");
  }
}
