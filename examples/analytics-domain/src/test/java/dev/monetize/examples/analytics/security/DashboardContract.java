package dev.monetize.examples.analytics.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.TimeSource;
import dev.monetize.management.ManagementLimits;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The customer dashboard over real HTTP on each example: the page and its assets (headers, no
 * inline script), the exchange of a key for a session cookie and what that cookie may do, and the
 * ways a session ends. The same suite runs in a real browser in {@code DashboardBrowserTest}.
 */
public abstract class DashboardContract {
  private static final String MARK = "X-Monetize-Dashboard";
  private final ExampleUnderTest.MovableTime time = new ExampleUnderTest.MovableTime();
  private ExampleUnderTest app;

  /** Starts the example with this clock. */
  protected abstract ExampleUnderTest start(TimeSource time, ManagementLimits limits) throws Exception;

  @BeforeEach
  void startExample() throws Exception {
    app = start(time, ManagementLimits.defaults());
  }

  @AfterEach
  void stop() {
    app.close();
  }

  @Test
  void thePageLoadsOnlyItsOwnVersionedAssetsUnderAStrictPolicy() {
    ExampleUnderTest.Answer page = app.send("GET", "/monetize/dashboard", Map.of(), null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
    assertThat(csp).contains("default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'")
        .doesNotContain("unsafe-inline", "unsafe-eval", "http:", "https:");
    assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    assertThat(page.body()).doesNotContain("style=", "onclick", "<script>", "http://", "https://");
    Matcher assets = Pattern.compile("(?:src|href)=\"(dashboard/assets/[^\"]+)\"").matcher(page.body());
    int found = 0;
    while (assets.find()) {
      found++;
      ExampleUnderTest.Answer a = app.send("GET", "/monetize/" + assets.group(1), Map.of(), null);
      assertThat(a.status()).as(assets.group(1)).isEqualTo(200);
      assertThat(a.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
      assertThat(a.headers().firstValue("Content-Type").orElse("")).matches("text/(javascript|css).*");
    }
    assertThat(found).as("scripts and style sheets of the page").isEqualTo(4);
    ExampleUnderTest.Answer unknown = app.send("GET", "/monetize/dashboard/assets/dashboard-0000000000.js", Map.of(),
        null);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.code()).isEqualTo("not_found");
  }

  @Test
  void aKeyIsExchangedOnceForAnHttpOnlyStrictCookieThatReadsWhatTheKeyReads() {
    String key = app.demoKeys().get("pro");
    for (int i = 0; i < 3; i++) {
      assertThat(app.bearer("GET", "/v1/stats/summary", key, null).status()).isEqualTo(200);
    }
    ExampleUnderTest.Answer opened = signIn(key);
    assertThat(opened.status()).as(opened.body()).isEqualTo(201);
    String cookie = opened.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(cookie).startsWith("monetize_session=ms_").contains("; Path=/monetize", "; HttpOnly",
        "; SameSite=Strict", "; Max-Age=");
    assertThat(opened.body()).doesNotContain(key).contains("\"plan\":\"pro\"", "\"customer_id\":\"demo-pro\"");
    String session = cookie.substring(0, cookie.indexOf(';'));

    ExampleUnderTest.Answer byKey = app.bearer("GET", "/monetize/usage", key, null);
    ExampleUnderTest.Answer bySession = app.send("GET", "/monetize/usage", Map.of("Cookie", session), null);
    assertThat(bySession.status()).as(bySession.body()).isEqualTo(200);
    assertThat(bySession.json().path("usage")).isEqualTo(byKey.json().path("usage"));
    assertThat(bySession.json().path("usage").path("requests").asLong()).isEqualTo(3);
    ExampleUnderTest.Answer days = app.send("GET", "/monetize/usage/days", Map.of("Cookie", session), null);
    long perDay = 0;
    for (var d : days.json().path("days")) {
      perDay += d.path("units").path("calls").asLong();
    }
    assertThat(perDay).as("days add up to the period").isEqualTo(3);
    // the session is only for the management API: the API itself still wants the key
    assertThat(app.send("GET", "/v1/stats/summary", Map.of("Cookie", session), null).status()).isEqualTo(401);
    // behind a password-protected proxy the browser sends its Basic credentials on every request:
    // not a credential of ours, the session reads (it was refused as a bad key, a strike on the address)
    for (int i = 0; i < 30; i++) {
      ExampleUnderTest.Answer gated = app.send("GET", "/monetize/usage",
          Map.of("Cookie", session, "Authorization", "Basic dXNlcjpwYXNz"), null);
      assertThat(gated.status()).as(gated.body()).isEqualTo(200);
    }
    ExampleUnderTest.Answer bearerWins = app.send("GET", "/monetize/usage",
        Map.of("Cookie", session, "Authorization", "Bearer mk_test_" + "x".repeat(30)), null);
    assertThat(bearerWins.status()).isEqualTo(401); // a credential of ours beside the cookie is the one read
  }

  @Test
  void aChangeNeedsTheDashboardsOwnHeaderAndTheKeysAuthority() {
    String admin = app.demoKeys().get("enterprise"); // holds every scope: an organization administrator
    String session = cookieOf(signIn(admin));
    String victim = app.monetize().keys().issue("demo-enterprise", Set.of("stats:read")).key().id();
    // a form or an image of another site cannot send the marker: the cookie is no credential then
    ExampleUnderTest.Answer forged = app.send("POST", "/monetize/keys/" + victim + "/revoke",
        Map.of("Cookie", session), null);
    assertThat(forged.status()).isEqualTo(401);
    assertThat(forged.code()).isEqualTo("key_missing");
    ExampleUnderTest.Answer rotated = app.send("POST", "/monetize/keys/" + victim + "/rotate",
        Map.of("Cookie", session, MARK, "1", "Content-Type", "application/json"), "{}");
    assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
    assertThat(rotated.json().path("secret").asText()).startsWith("mk_test_");

    String reader = cookieOf(signIn(app.monetize().keys().issue("demo-free", Set.of("stats:read")).secret()));
    ExampleUnderTest.Answer refused = app.send("POST", "/monetize/keys/" + victim + "/revoke",
        Map.of("Cookie", reader, MARK, "1"), null);
    assertThat(refused.status()).isEqualTo(404); // another organization's key does not exist for it
    ExampleUnderTest.Answer list = app.send("GET", "/monetize/keys", Map.of("Cookie", reader), null);
    assertThat(list.status()).isEqualTo(403);
    assertThat(list.code()).isEqualTo("scope_denied");
  }

  @Test
  void signInRefusesTokensForgedRequestsAndSessionsOpeningSessions() {
    String key = app.demoKeys().get("pro");
    ExampleUnderTest.Answer token = app.bearer("POST", "/monetize/tokens", key, "{}");
    ExampleUnderTest.Answer byToken = signIn(token.json().path("token").asText());
    assertThat(byToken.status()).isEqualTo(403);
    assertThat(byToken.code()).isEqualTo("token_not_allowed");
    ExampleUnderTest.Answer unmarked = app.bearer("POST", "/monetize/dashboard/session", key, null);
    assertThat(unmarked.status()).isEqualTo(400);
    assertThat(unmarked.headers().firstValue("Set-Cookie")).isEmpty();
    String session = cookieOf(signIn(key));
    ExampleUnderTest.Answer again = app.send("POST", "/monetize/dashboard/session",
        Map.of("Cookie", session, MARK, "1"), null);
    assertThat(again.status()).isEqualTo(403); // a session does not renew itself past its 4 hours
    assertThat(again.code()).isEqualTo("session_not_allowed");
    ExampleUnderTest.Answer wrong = signIn("mk_test_" + "A".repeat(28));
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();
  }

  @Test
  void aSessionEndsWithSignOutIdlenessAgeAndItsKey() {
    String key = app.demoKeys().get("pro");
    String session = cookieOf(signIn(key));
    ExampleUnderTest.Answer out = app.send("DELETE", "/monetize/dashboard/session", Map.of("Cookie", session, MARK,
        "1"), null);
    assertThat(out.status()).isEqualTo(200);
    assertThat(out.headers().firstValue("Set-Cookie").orElseThrow()).startsWith("monetize_session=;")
        .contains("Max-Age=0");
    assertExpired(session);

    String idle = cookieOf(signIn(key));
    time.advance(Duration.ofMinutes(19));
    assertThat(app.send("GET", "/monetize/dashboard/session", Map.of("Cookie", idle), null).status()).isEqualTo(200);
    time.advance(Duration.ofMinutes(21));
    assertExpired(idle);

    String busy = cookieOf(signIn(key));
    for (int i = 0; i < 16; i++) { // used every 15 minutes, still over after 4 hours
      time.advance(Duration.ofMinutes(15));
      int status = app.send("GET", "/monetize/dashboard/session", Map.of("Cookie", busy), null).status();
      assertThat(status).as("after %d minutes", (i + 1) * 15).isEqualTo(i < 15 ? 200 : 401);
    }

    var issued = app.monetize().keys().issue("demo-pro", Set.of("stats:read"));
    String revokedLater = cookieOf(signIn(issued.secret()));
    app.monetize().keys().revoke(issued.key().id());
    ExampleUnderTest.Answer revoked = app.send("GET", "/monetize/usage", Map.of("Cookie", revokedLater), null);
    assertThat(revoked.status()).isEqualTo(401);
    assertThat(revoked.code()).isEqualTo("key_revoked");
  }

  @Test
  void aSessionNeverCreatesCredentialsNorTakesPlantedOrCrossSiteRequests() {
    String admin = app.demoKeys().get("enterprise");
    String session = cookieOf(signIn(admin));
    Map<String, String> marked = Map.of("Cookie", session, MARK, "1", "Content-Type", "application/json");
    ExampleUnderTest.Answer key = app.send("POST", "/monetize/keys", marked,
        "{\"organization_id\":\"demo-enterprise\",\"scopes\":[\"stats:read\"]}");
    assertThat(key.status()).as(key.body()).isEqualTo(403);
    assertThat(key.code()).isEqualTo("session_not_allowed");
    assertThat(key.json().path("detail").asText())
        .isEqualTo("A dashboard session cannot issue a key; send the API key in the Authorization header.");
    ExampleUnderTest.Answer token = app.send("POST", "/monetize/tokens", marked, "{}");
    assertThat(token.code()).isEqualTo("session_not_allowed");
    // a second cookie of the name (planted by a sibling site, with a longer path) makes neither count
    ExampleUnderTest.Answer planted = app.send("GET", "/monetize/usage",
        Map.of("Cookie", session + "; " + cookieOf(signIn(app.demoKeys().get("free")))), null);
    assertThat(planted.status()).isEqualTo(401);
    // the browser says the request comes from another site: the marker does not make it the dashboard's
    String victim = app.monetize().keys().issue("demo-enterprise", Set.of("stats:read")).key().id();
    ExampleUnderTest.Answer crossSite = app.send("POST", "/monetize/keys/" + victim + "/revoke",
        Map.of("Cookie", session, MARK, "1", "Sec-Fetch-Site", "same-site"), null);
    assertThat(crossSite.status()).isEqualTo(401);
    // nor does a read another site's page makes (an <img> on a sibling subdomain: the cookie goes with it)
    for (String site : new String[] {"same-site", "cross-site"}) {
      assertThat(app.send("GET", "/monetize/audit/export", Map.of("Cookie", session, "Sec-Fetch-Site", site), null)
          .status()).as(site).isEqualTo(401);
    }
    assertThat(app.send("GET", "/monetize/usage", Map.of("Cookie", session, "Sec-Fetch-Site", "same-origin"), null)
        .status()).isEqualTo(200);
    assertThat(app.send("POST", "/monetize/keys/" + victim + "/revoke",
        Map.of("Cookie", session, MARK, "1", "Sec-Fetch-Site", "same-origin"), null).status()).isEqualTo(200);
  }

  /**
   * The operator's session rotates no customer's key: the new secret would be a lasting credential of
   * another organization, got with a cookie. It still revokes one (that takes power away), and the
   * operator credential in a header still rotates.
   */
  @Test
  void theOperatorsSessionRotatesNoCustomersKey() {
    String operator = app.demoKeys().get("admin");
    String session = cookieOf(signIn(operator));
    String victim = app.monetize().keys().issue("demo-enterprise", Set.of("stats:read")).key().id();
    Map<String, String> marked = Map.of("Cookie", session, MARK, "1", "Content-Type", "application/json");
    ExampleUnderTest.Answer rotated = app.send("POST", "/monetize/keys/" + victim + "/rotate", marked, "{}");
    assertThat(rotated.status()).as(rotated.body()).isEqualTo(403);
    assertThat(rotated.code()).isEqualTo("session_not_allowed");
    assertThat(rotated.body()).doesNotContain("mk_test_");
    ExampleUnderTest.Answer byHeader = app.bearer("POST", "/monetize/keys/" + victim + "/rotate", operator, "{}");
    assertThat(byHeader.status()).as(byHeader.body()).isEqualTo(200);
    assertThat(app.send("POST", "/monetize/keys/" + victim + "/revoke", marked, null).status()).isEqualTo(200);

    // nor its own key, when the operator signs in with an operator key of an organization of its own
    app.monetize().customers().save(dev.monetize.plans.Customer.of("ops", "enterprise"));
    dev.monetize.keys.IssuedKey opsKey = app.monetize().keys().issueOperatorKey("ops");
    Map<String, String> ops = Map.of("Cookie", cookieOf(signIn(opsKey.secret())), MARK, "1",
        "Content-Type", "application/json");
    ExampleUnderTest.Answer own = app.send("POST", "/monetize/keys/" + opsKey.key().id() + "/rotate", ops, "{}");
    assertThat(own.status()).as(own.body()).isEqualTo(403);
    assertThat(own.code()).isEqualTo("session_not_allowed");
    assertThat(own.body()).doesNotContain("mk_test_");
  }

  @Test
  void aKeyKeepsTenSessionsAtMostAndARotationOutEndsThem() {
    var issued = app.monetize().keys().issue("demo-pro", Set.of("stats:read"));
    String first = cookieOf(signIn(issued.secret()));
    for (int i = 0; i < 10; i++) {
      cookieOf(signIn(issued.secret()));
    }
    assertExpired(first); // the eleventh sign-in ended the oldest: no key fills the store
    String current = cookieOf(signIn(issued.secret()));
    app.monetize().keys().rotate(issued.key().id(), Duration.ZERO);
    ExampleUnderTest.Answer rotated = app.send("GET", "/monetize/usage", Map.of("Cookie", current), null);
    assertThat(rotated.status()).isEqualTo(401);
    assertThat(rotated.code()).isEqualTo("key_rotated");
    // a rotation with an overlap (the old secret still calls the API for a day) ends the sessions all the same:
    // a rotation is what one does about a leaked secret, and a session opened with it must not outlive it
    var leaked = app.monetize().keys().issue("demo-pro", Set.of("stats:read"));
    String stolen = cookieOf(signIn(leaked.secret()));
    app.monetize().keys().rotate(leaked.key().id(), Duration.ofHours(1));
    ExampleUnderTest.Answer afterRotation = app.send("GET", "/monetize/usage", Map.of("Cookie", stolen), null);
    assertThat(afterRotation.status()).isEqualTo(401);
    assertThat(afterRotation.code()).isEqualTo("key_rotated");
    assertThat(app.send("GET", "/monetize/usage", Map.of("Cookie", stolen), null).code()).isEqualTo("session_expired");
    assertThat(app.send("GET", "/monetize/usage", Map.of("Authorization", "Bearer " + leaked.secret()), null).status())
        .isEqualTo(200); // the API keeps the overlap
  }

  @Test
  void theInteractiveApiDocsAreServedWithTheirOwnAssets() {
    ExampleUnderTest.Answer page = app.send("GET", "/docs", Map.of(), null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Security-Policy").orElse(""))
        .contains("script-src 'self'", "frame-ancestors 'none'");
    Matcher script = Pattern.compile("src=\"(docs/assets/swagger-ui-bundle-[0-9a-f]+\\.js)\"").matcher(page.body());
    assertThat(script.find()).as(page.body()).isTrue();
    ExampleUnderTest.Answer bundle = app.send("GET", "/" + script.group(1), Map.of(), null);
    assertThat(bundle.status()).isEqualTo(200);
    assertThat(bundle.body()).contains("SwaggerUIBundle");
  }

  private void assertExpired(String session) {
    ExampleUnderTest.Answer a = app.send("GET", "/monetize/usage", Map.of("Cookie", session), null);
    assertThat(a.status()).isEqualTo(401);
    assertThat(a.code()).isEqualTo("session_expired");
    assertThat(a.headers().firstValue("Set-Cookie").orElse("")).contains("Max-Age=0");
  }

  private ExampleUnderTest.Answer signIn(String key) {
    return app.send("POST", "/monetize/dashboard/session", Map.of("Authorization", "Bearer " + key, MARK, "1"), null);
  }

  private static String cookieOf(ExampleUnderTest.Answer opened) {
    assertThat(opened.status()).as(opened.body()).isEqualTo(201);
    String cookie = opened.headers().firstValue("Set-Cookie").orElseThrow();
    return cookie.substring(0, cookie.indexOf(';'));
  }
}
