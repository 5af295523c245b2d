package dev.monetize.examples.analytics.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.examples.analytics.AnalyticsServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The interactive API docs at {@code /docs} in a real browser: Swagger UI, served from the jar,
 * shows every operation of the generated document, takes the visitor's key under "Authorize", and
 * "Try it out" makes a real, metered call with it.
 */
class ApiExplorerBrowserTest {
  private static AnalyticsServer app;
  private static WebDriver browser;

  @BeforeAll
  static void start() throws Exception {
    browser = Chromium.start();
    app = AnalyticsServer.builder().port(0).start();
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
  void aVisitorReadsTheReferenceAndTriesAnOperationWithTheirKey() throws Exception {
    browser.get("http://127.0.0.1:" + app.port() + "/docs");
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".opblock")));
    List<WebElement> operations = browser.findElements(By.cssSelector(".opblock"));
    assertThat(operations).hasSizeGreaterThanOrEqualTo(5);
    assertThat(browser.findElement(By.cssSelector(".info .title")).getText()).isNotBlank();

    browser.findElement(By.cssSelector(".auth-wrapper .authorize")).click();
    WebElement keyInput = wait.until(ExpectedConditions.visibilityOfElementLocated(
        By.cssSelector(".modal-ux .auth-container input")));
    keyInput.sendKeys(app.demoKeys().get("pro"));
    browser.findElement(By.cssSelector(".modal-ux .auth-container .auth-btn-wrapper .authorize")).click();
    browser.findElement(By.cssSelector(".modal-ux .btn-done")).click();

    long before = calls();
    WebElement summary = browser.findElement(By.cssSelector(".opblock-summary-path[data-path='/v1/stats/summary']"));
    summary.click();
    WebElement block = summary.findElement(By.xpath("./ancestor::div[contains(@class,'opblock ')]"));
    wait.until(d -> !block.findElements(By.cssSelector(".try-out__btn")).isEmpty());
    block.findElement(By.cssSelector(".try-out__btn")).click();
    block.findElement(By.cssSelector(".execute")).click();
    WebElement status = wait.until(d -> block.findElements(By.cssSelector(".live-responses-table tbody .response-col_status"))
        .stream().findFirst().orElse(null));
    assertThat(status.getText()).startsWith("200");
    assertThat(block.findElement(By.cssSelector(".live-responses-table")).getText()).contains("ratelimit");
    assertThat(calls()).isEqualTo(before + 1);
    Chromium.shoot(browser, "docs");
  }

  /** The pro customer's calls this period, as {@code /monetize/usage} says. */
  private static long calls() throws Exception {
    java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + app.port() + "/monetize/usage"))
            .header("Authorization", "Bearer " + app.demoKeys().get("pro")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).path("usage").path("requests").asLong();
  }
}
