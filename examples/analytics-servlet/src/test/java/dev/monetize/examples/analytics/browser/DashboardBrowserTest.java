package dev.monetize.examples.analytics.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.examples.analytics.AnalyticsServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The customer dashboard in a real browser: Debian's headless Chromium driven by Selenium against
 * the servlet example over HTTP. A customer signs in with a demo key, reads usage and limits (the
 * same numbers as {@code /monetize/usage}), sees the chart drawn, calls the API and sees the
 * numbers move, rotates a key as an administrator, is refused as a reader, and signs out; the
 * operator sees the operator view. axe-core runs in every page; screenshots of each page at
 * desktop and phone width go to {@code target/screenshots/}.
 */
class DashboardBrowserTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static AnalyticsServer app;
  private static WebDriver browser;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    browser = Chromium.start();
    app = AnalyticsServer.builder().port(0).start();
    base = "http://127.0.0.1:" + app.port();
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (app != null) {
      app.close();
    }
  }

  @Test
  void aCustomerReadsUsageWatchesItMoveRotatesAKeyAndSignsOut() throws Exception {
    String key = app.demoKeys().get("pro"); // an administrator (scope *) of a plan with one above it
    String spare = app.monetize().keys().issue("demo-pro", Set.of("stats:read")).key().id();
    call(key, "/v1/stats/summary");
    open();
    Chromium.shoot(browser, "dashboard-sign-in");
    Chromium.assertAccessible(browser, "sign-in page");

    WebElement input = browser.findElement(By.id("api-key"));
    input.sendKeys(key, Keys.ENTER); // the keyboard is enough
    visible("customer-view");
    assertThat(input.getDomProperty("value")).as("the key leaves the form").isEmpty();
    assertThat(browser.getCurrentUrl()).as("the key never goes into a URL").doesNotContain(key).doesNotContain("api-key");
    assertThat(text("who")).contains("demo-pro");
    assertThat(browser.findElement(By.id("upgrade")).getText()).contains("enterprise");

    JsonNode usage = api(key, "/monetize/usage");
    assertThat(text("plan")).isEqualTo(usage.path("plan").asText());
    assertThat(usageNumber("requests")).isEqualTo(usage.path("usage").path("requests").asLong());
    for (JsonNode limit : usage.path("limits")) {
      WebElement shown = browser.findElement(By.cssSelector("[data-limit='" + limit.path("name").asText()
          + "'] .remaining"));
      assertThat(Long.parseLong(shown.getText().replace(",", ""))).as(limit.path("name").asText())
          .isEqualTo(limit.path("remaining").asLong());
    }
    WebElement canvas = browser.findElement(By.cssSelector("#chart canvas"));
    assertThat(canvas.getSize().getWidth()).as("the chart is drawn").isGreaterThan(200);
    assertThat(browser.findElement(By.id("chart")).getDomAttribute("aria-label")).contains("calls per day");
    Chromium.shoot(browser, "dashboard-usage");
    Chromium.assertAccessible(browser, "usage page");

    long before = usageNumber("requests");
    call(key, "/v1/stats/summary");
    call(key, "/v1/stats/summary");
    browser.findElement(By.id("refresh")).click();
    new WebDriverWait(browser, Duration.ofSeconds(10))
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(d -> usageNumber("requests") == before + 2);
    assertThat(usageNumber("requests")).isEqualTo(api(key, "/monetize/usage").path("usage").path("requests").asLong());

    JsonNode invoices = api(key, "/monetize/invoices");
    List<WebElement> links = browser.findElements(By.cssSelector("#invoices a"));
    assertThat(links).hasSize(invoices.path("data").size());
    List<WebElement> rows = browser.findElements(By.cssSelector("#invoices tbody tr"));
    for (int i = 0; i < rows.size(); i++) { // the same totals as /monetize/invoices, in its order
      JsonNode invoice = invoices.path("data").get(i);
      assertThat(rows.get(i).findElements(By.tagName("td")).get(3).getText())
          .isEqualTo(invoice.path("total").asText() + " " + invoice.path("currency").asText());
    }
    if (!links.isEmpty()) {
      String href = links.get(0).getDomProperty("href");
      assertThat(href).contains("format=html");
      assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(href)).header("Authorization", "Bearer " + key).build(),
          HttpResponse.BodyHandlers.ofString()).body()).contains(invoices.path("data").get(0).path("total").asText());
    }

    WebElement rotate = browser.findElement(By.cssSelector("button[data-action='rotate'][data-key='" + spare + "']"));
    rotate.click();
    visible("new-secret");
    assertThat(text("new-secret-value")).startsWith("mk_test_");
    assertThat(text("new-secret-key")).isEqualTo(spare);
    WebElement revoke = browser.findElement(By.cssSelector("button[data-action='revoke'][data-key='" + spare + "']"));
    revoke.click();
    assertThat(revoke.getText()).isEqualTo("Confirm revoke");
    revoke.click();
    new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> text("status").contains("revoked"));
    assertThat(app.monetize().keys().find(spare).orElseThrow().status().name()).isEqualTo("REVOKED");

    browser.manage().window().setSize(Chromium.PHONE);
    browser.navigate().refresh(); // the session survives a reload: the cookie, not the page, holds it
    visible("customer-view");
    assertThat(Chromium.sidewaysOverflow(browser)).as("usable at phone width").isEmpty();
    Chromium.shoot(browser, "dashboard-usage");
    browser.manage().window().setSize(Chromium.DESKTOP);

    browser.findElement(By.id("sign-out")).click();
    visible("sign-in-section");
    assertThat(fetchStatus("/monetize/dashboard/session")).isEqualTo(401);
    browser.navigate().refresh();
    visible("sign-in-section");
    browser.manage().window().setSize(Chromium.PHONE);
    Chromium.shoot(browser, "dashboard-sign-in");
    browser.manage().window().setSize(Chromium.DESKTOP);
  }

  @Test
  void aReaderIsRefusedKeyManagementAndTheOperatorSeesEveryCustomer() throws Exception {
    var reader = app.monetize().keys().issue("demo-free", Set.of("stats:read"));
    open();
    browser.findElement(By.id("api-key")).sendKeys(reader.secret(), Keys.ENTER);
    visible("customer-view");
    assertThat(browser.getCurrentUrl()).as("the key never goes into a URL").doesNotContain(reader.secret());
    new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> text("keys-note").contains("needs an admin key"));
    assertThat(browser.findElements(By.cssSelector("button[data-action]"))).isEmpty();
    // the page's own script asking anyway is refused by the server, not only hidden
    assertThat(fetchStatus("/monetize/keys/" + reader.key().id() + "/rotate", "POST")).isEqualTo(403);
    browser.findElement(By.id("sign-out")).click();
    visible("sign-in-section");

    call(app.demoKeys().get("pro"), "/v1/stats/summary");
    browser.findElement(By.id("api-key")).sendKeys(app.demoKeys().get("admin"), Keys.ENTER);
    visible("operator-section");
    // both reports drawn as tables (one is computed at a time: the page asks for them in turn)
    new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> !browser.findElements(
        By.cssSelector("#operator-customers table")).isEmpty() && !browser.findElements(
        By.cssSelector("#operator-costs table")).isEmpty());
    WebElement pick = browser.findElement(By.id("customer-id"));
    pick.sendKeys("demo-pro", Keys.ENTER);
    visible("customer-view");
    new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> "demo-pro".equals(text("customer")));
    assertThat(usageNumber("requests")).isEqualTo(api(app.demoKeys().get("pro"), "/monetize/usage")
        .path("usage").path("requests").asLong());
    Chromium.shoot(browser, "dashboard-operator");
    Chromium.assertAccessible(browser, "operator view");
    browser.manage().window().setSize(Chromium.PHONE);
    assertThat(Chromium.sidewaysOverflow(browser)).as("usable at phone width").isEmpty();
    Chromium.shoot(browser, "dashboard-operator");
    browser.manage().window().setSize(Chromium.DESKTOP);
    browser.findElement(By.id("sign-out")).click();
    visible("sign-in-section");
  }

  private void open() {
    browser.manage().window().setSize(Chromium.DESKTOP);
    browser.get(base + "/monetize/dashboard");
    browser.manage().deleteAllCookies(); // each test signs in afresh, whatever the last one left
    browser.navigate().refresh();
    visible("sign-in-section");
  }

  /**
   * Waits for {@code id} to show. The ceiling is generous (a view shows once its ten or so calls are
   * answered, which on a loaded CI machine beside the browser took over 15 s once); a timeout says
   * what the page's status line said, which names a refused call.
   */
  private static void visible(String id) {
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    wait.withMessage(() -> "the page's status line: '" + browser.findElements(By.id("status")).stream()
        .map(WebElement::getText).findFirst().orElse("(none)") + "'");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
  }

  private static String text(String id) {
    return browser.findElement(By.id(id)).getText();
  }

  /** The number the usage table shows for {@code unit}, once it shows one (a refresh may be redrawing it). */
  private static long usageNumber(String unit) {
    return new WebDriverWait(browser, Duration.ofSeconds(10))
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(d -> {
          for (WebElement row : d.findElements(By.cssSelector("#usage-numbers tbody tr"))) {
            List<WebElement> cells = row.findElements(By.tagName("td"));
            if (cells.get(0).getText().equals(unit)) {
              return Long.parseLong(cells.get(1).getText().replace(",", ""));
            }
          }
          return null;
        });
  }

  /** The status the page's own script gets for {@code path}, with the session cookie and the marker header. */
  private static long fetchStatus(String path, String... method) {
    Object status = ((JavascriptExecutor) browser).executeAsyncScript(
        "const done = arguments[arguments.length - 1];"
            + "fetch(arguments[0], {method: arguments[1], headers: {'X-Monetize-Dashboard': '1'}})"
            + ".then(r => done(r.status), e => done(-1));", path, method.length > 0 ? method[0] : "GET");
    return ((Number) status).longValue();
  }

  private static void call(String key, String path) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
        .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  private static JsonNode api(String key, String path) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
        .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }
}
