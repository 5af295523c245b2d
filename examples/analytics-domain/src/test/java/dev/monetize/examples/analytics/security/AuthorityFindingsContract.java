package dev.monetize.examples.analytics.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.TimeSource;
import dev.monetize.keys.IssuedKey;
import dev.monetize.management.ManagementLimits;
import java.util.Set;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The findings of the attack on the examples (items 1 to 5 of the authority issue), replayed over
 * HTTP with the examples' default limits. Each failed on the code before the authority model.
 */
public abstract class AuthorityFindingsContract {
  /** Starts the example with this clock and these management limits. */
  protected abstract ExampleUnderTest start(TimeSource time, ManagementLimits limits) throws Exception;

  private ExampleUnderTest app;

  @BeforeEach
  void startExample() throws Exception {
    // a clock that stands still: the rates refill only when the test says so, however slow the host
    app = start(dev.monetize.ManualTimeSource.at(java.time.Instant.now()), ManagementLimits.defaults());
  }

  @AfterEach
  void stop() {
    app.close();
  }

  private String pro() {
    return app.demoKeys().get("pro");
  }

  @Test
  void finding1_aStarKeyNeverBecomesTheOperator() {
    ExampleUnderTest.Answer minted = app.bearer("POST", "/monetize/tokens", pro(),
        "{\"scopes\":[\"monetize:admin\"],\"ttl_seconds\":3600}");
    assertThat(minted.status()).isEqualTo(403);
    assertThat(minted.code()).isEqualTo("scope_escalation");
    String token = app.bearer("POST", "/monetize/tokens", pro(), "{\"ttl_seconds\":3600}").json().path("token").asText();
    for (String credential : new String[] {pro(), token}) {
      ExampleUnderTest.Answer org = app.bearer("POST", "/monetize/organizations", credential,
          "{\"name\":\"Mine\",\"plan\":\"enterprise\"}");
      assertThat(org.status()).isEqualTo(403);
      ExampleUnderTest.Answer topUp = app.bearer("POST", "/monetize/credits", credential,
          "{\"customer_id\":\"demo-free\",\"amount\":\"1000000\"}");
      assertThat(topUp.status()).isEqualTo(403);
      assertThat(topUp.code()).isEqualTo("scope_denied");
    }
    assertThat(app.monetize().wallet().balance("demo-free")).isZero();
  }

  /**
   * A wallet entry retried under the same {@code Idempotency-Key} (no id in its body) moves money once.
   * (The demo's plans are invoiced: their wallets take no top-up, {@code 409 plan_not_prepaid}, but
   * give back a balance left from a prepaid plan, which is what is retried here.)
   */
  @Test
  void aWalletEntryRetriedUnderItsIdempotencyKeyMovesMoneyOnce() {
    app.monetize().wallet().topUp("demo-free", new java.math.BigDecimal("10"), "left-from-prepaid", "");
    Map<String, String> headers = Map.of("Authorization", "Bearer " + app.demoKeys().get("admin"),
        "Idempotency-Key", "give-back-7", "Content-Type", "application/json");
    ExampleUnderTest.Answer topUp = app.send("POST", "/monetize/credits", headers,
        "{\"customer_id\":\"demo-free\",\"amount\":\"10\"}");
    assertThat(topUp.status()).isEqualTo(409);
    assertThat(topUp.code()).isEqualTo("plan_not_prepaid");
    String body = "{\"customer_id\":\"demo-free\",\"amount\":\"-3\"}";
    assertThat(app.send("POST", "/monetize/credits", headers, body).status()).isEqualTo(201);
    ExampleUnderTest.Answer again = app.send("POST", "/monetize/credits", headers, body);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().path("applied").asBoolean()).isFalse();
    assertThat(app.monetize().wallet().balance("demo-free")).isEqualByComparingTo("7");
  }

  @Test
  void finding2_aTokenInXApiKeyCannotCreateKeysOrMintTokens() {
    String token = app.bearer("POST", "/monetize/tokens", pro(), "{}").json().path("token").asText();
    ExampleUnderTest.Answer key = app.send("POST", "/monetize/keys", "X-API-Key", token,
        "{\"organization_id\":\"demo-pro\",\"scopes\":[\"stats:read\"]}");
    assertThat(key.status()).isEqualTo(403);
    assertThat(key.code()).isEqualTo("token_not_allowed");
    assertThat(key.body()).doesNotContain("secret");
    ExampleUnderTest.Answer again = app.send("POST", "/monetize/tokens", "X-API-Key", token, "{}");
    assertThat(again.status()).isEqualTo(403);
    assertThat(again.code()).isEqualTo("token_not_allowed");
  }

  @Test
  void finding3_aKeysWriteKeyCannotTakeOverAStrongerKey() {
    IssuedKey owner = app.monetize().keys().issue("demo-pro", Set.of("*"));
    String writer = app.monetize().keys().issue("demo-pro", Set.of("keys:write")).secret();
    assertThat(app.bearer("GET", "/monetize/keys", writer, null).status()).isEqualTo(200);
    ExampleUnderTest.Answer rotate = app.bearer("POST", "/monetize/keys/" + owner.key().id() + "/rotate", writer,
        "{\"overlap_seconds\":0}");
    assertThat(rotate.status()).isEqualTo(403);
    assertThat(rotate.code()).isEqualTo("scope_escalation");
    assertThat(rotate.body()).doesNotContain("\"secret\"");
    ExampleUnderTest.Answer revoke = app.bearer("POST", "/monetize/keys/" + owner.key().id() + "/revoke", writer, null);
    assertThat(revoke.status()).isEqualTo(403);
    assertThat(app.bearer("GET", "/monetize/usage", owner.secret(), null).status()).isEqualTo(200);
  }

  @Test
  void finding4_aHugeNumberIsRefusedAtOnceWithASmallBody() {
    String admin = app.demoKeys().get("admin");
    for (String amount : new String[] {"\"1e999999999\"", "1e999999999", "\"1234567890123456789\"",
        "\"0.0000001\"", "\"NaN\"", "1e-999999999"}) {
      ExampleUnderTest.Answer a = app.bearer("POST", "/monetize/credits", admin,
          "{\"customer_id\":\"demo-free\",\"amount\":" + amount + "}");
      assertThat(a.status()).as(amount).isEqualTo(400);
      assertThat(a.code()).isEqualTo("bad_request");
      assertThat(a.body().length()).as(amount).isLessThan(1_000);
    }
    ExampleUnderTest.Answer ttl = app.bearer("POST", "/monetize/tokens", app.demoKeys().get("pro"),
        "{\"ttl_seconds\":1e999999999}");
    assertThat(ttl.status()).isEqualTo(400);
    assertThat(app.monetize().wallet().balance("demo-free")).isZero();
  }

  @Test
  void finding5_theManagementApiIsRateLimited() {
    String free = app.demoKeys().get("free");
    int refused = 0;
    ExampleUnderTest.Answer last = null;
    for (int i = 0; i < 400 && refused == 0; i++) {
      last = app.bearer("GET", "/monetize/usage", free, null);
      if (last.status() == 429) {
        refused++;
      }
    }
    assertThat(refused).isEqualTo(1);
    assertThat(last.code()).isEqualTo("rate_limited");
    assertThat(last.headers().firstValue("Retry-After")).isPresent();
    assertThat(last.headers().firstValue("RateLimit-Policy").orElseThrow()).contains("\"management-key\"");
    assertThat(last.headers().firstValue("RateLimit").orElseThrow()).contains(";r=0");
  }

  @Test
  void review_otherMethodsAreAnsweredByTheManagementApiNotTheRuntime() {
    ExampleUnderTest.Answer unknown = app.send("OPTIONS", "/monetize/does/not/exist", null, null, null);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.code()).isEqualTo("not_found");
    ExampleUnderTest.Answer keys = app.send("OPTIONS", "/monetize/keys", null, null, null);
    assertThat(keys.status()).isEqualTo(405);
    assertThat(keys.headers().firstValue("Allow")).contains("GET, HEAD, POST");
    assertThat(keys.headers().firstValue("Cache-Control")).contains("no-store");
  }

  @Test
  void review_aQueryStringIsReadWholeOrRefused() {
    String free = app.demoKeys().get("free");
    String admin = app.demoKeys().get("admin");
    // a malformed escape is refused, never dropped (dropped, the filter asked for would silently vanish)
    for (String query : new String[] {"customer_id=demo-pro%", "foo%ZZ=1", "customer_id=%ZZ"}) {
      ExampleUnderTest.Answer a = app.rawGet("/monetize/usage?" + query, free);
      assertThat(a.status()).as(query).isEqualTo(400);
      if (a.body().startsWith("{")) { // a container may refuse such a target itself (400, a page of its own)
        assertThat(a.json().path("detail").asText()).isEqualTo("The query string has a malformed percent-escape.");
      }
    }
    // a parameter given twice is refused: a proxy reading the other value would see another request
    ExampleUnderTest.Answer twice = app.bearer("GET", "/monetize/usage?customer_id=demo-free&customer_id=demo-pro",
        free, null);
    assertThat(twice.status()).isEqualTo(400);
    assertThat(twice.json().path("detail").asText()).isEqualTo("Query parameter 'customer_id' is given twice.");
    assertThat(app.bearer("GET", "/monetize/keys?organization_id=demo-free&organization_id=demo-pro", admin, null)
        .status()).isEqualTo(400);
    // the operator's own pseudo-organization is nobody's account
    assertThat(app.bearer("GET", "/monetize/usage?customer_id=monetize.operator", admin, null).status())
        .isEqualTo(404);
    assertThat(app.bearer("POST", "/monetize/organizations", admin,
        "{\"name\":\"x\",\"plan\":\"free\",\"id\":\"MONETIZE.operator\"}").json().path("detail").asText())
        .contains("reserved to the operator credential");
  }

  /**
   * An audit export's answer holds its organization's slot until the adapter has written it: once
   * written, the slot is free at once (an adapter that forgot to say so would leave the next export
   * refused until a garbage collection).
   */
  @Test
  void review_anExportWrittenFreesItsSlotAtOnce() {
    String owner = app.monetize().keys().issue("demo-pro", Set.of("*")).secret();
    app.bearer("GET", "/v1/stats/summary", pro(), null); // an event or more to export
    app.monetize().flushAudit(); // written by the audit thread: in the trail before the first export
    for (int i = 0; i < 3; i++) {
      ExampleUnderTest.Answer export = app.bearer("GET", "/monetize/audit/export", owner, null);
      assertThat(export.status()).as("export %d: %s", i, export.body()).isEqualTo(200);
      assertThat(export.headers().firstValue("Content-Type")).hasValueSatisfying(
          t -> assertThat(t).startsWith("application/x-ndjson"));
      export.headers().firstValueAsLong("Content-Length").ifPresent(length -> // or chunked, as the runtime frames it
          assertThat(length).isEqualTo(export.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
      assertThat(export.body()).contains("\"customer_id\":\"demo-pro\"");
    }
  }
}
