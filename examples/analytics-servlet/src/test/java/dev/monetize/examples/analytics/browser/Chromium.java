package dev.monetize.examples.analytics.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium through its ChromeDriver (no driver download), with what the browser
 * tests share: axe-core in the page, whole-page screenshots under {@code target/screenshots/}.
 */
final class Chromium {
  static final Dimension DESKTOP = new Dimension(1280, 1000);
  static final Dimension PHONE = new Dimension(390, 844);
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SHOTS = Path.of("target", "screenshots");

  private Chromium() {}

  /** A headless browser at desktop size; the test is skipped without Chromium, and fails so under {@code CI=true}. */
  static WebDriver start() throws IOException {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new IllegalStateException("CI=true but Chromium or ChromeDriver is missing: install the Debian packages "
          + "chromium and chromium-driver (.ci/run does)");
    }
    Assumptions.assumeTrue(present, "skipped: Debian's chromium and chromium-driver are not installed");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--hide-scrollbars", "--force-device-scale-factor=1",
        "--user-data-dir=" + Files.createTempDirectory("chromium-profile"));
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
        .usingAnyFreePort().build();
    WebDriver browser = new ChromeDriver(service, options);
    browser.manage().window().setSize(DESKTOP);
    Files.createDirectories(SHOTS);
    return browser;
  }

  /** axe-core in the page: no serious or critical violation of WCAG 2.1 A/AA or of best practice. */
  static void assertAccessible(WebDriver browser, String what) {
    Results results = new AxeBuilder().withTags(List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
        "best-practice")).analyze(browser);
    List<String> serious = results.getViolations().stream()
        .filter(r -> "serious".equals(r.getImpact()) || "critical".equals(r.getImpact()))
        .map(Chromium::describe).toList();
    assertThat(serious).as("axe-core violations on the " + what).isEmpty();
    assertThat(results.getPasses()).as("axe-core ran").isNotEmpty();
  }

  private static String describe(Rule r) {
    return r.getId() + " (" + r.getImpact() + "): " + r.getHelp() + " at "
        + r.getNodes().stream().map(n -> String.valueOf(n.getTarget())).toList();
  }

  /** What sticks out of the viewport on the right outside a scrolling box (empty: the page fits its width). */
  static String sidewaysOverflow(WebDriver browser) {
    return String.valueOf(((JavascriptExecutor) browser).executeScript(
        "if (document.documentElement.scrollWidth <= window.innerWidth + 1) return '';"
            + "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
            + " > window.innerWidth + 1 && !e.closest('.scroll')).slice(0, 5)"
            + ".map(e => e.tagName + '#' + e.id + '.' + e.className).join(', ');"));
  }

  /** The whole page as {@code target/screenshots/<name>-desktop.png} (or {@code -phone}, by the window's width). */
  static void shoot(WebDriver browser, String name) {
    Dimension size = browser.manage().window().getSize();
    String width = size.getWidth() < 600 ? "phone" : "desktop";
    long height = ((Number) ((JavascriptExecutor) browser).executeScript(
        "return document.documentElement.scrollHeight;")).longValue();
    browser.manage().window().setSize(new Dimension(size.getWidth(), (int) Math.min(4000, height + 140)));
    byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
    browser.manage().window().setSize(size);
    try {
      Files.write(SHOTS.resolve(name + "-" + width + ".png"), png);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
