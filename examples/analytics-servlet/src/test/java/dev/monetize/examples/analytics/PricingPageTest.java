package dev.monetize.examples.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.docs.PricingPage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/pricing.md is generated from the example's plans and must equal what {@link PricingPage}
 * makes of them (run with {@code -Dmonetize.regenerate=true} to rewrite it); the running service
 * serves the same table as HTML at /monetize/pricing, without a key.
 */
class PricingPageTest {
  private static final Path PAGE = Path.of("..", "..", "docs", "pricing.md");
  static final String TITLE = "Pricing of the example analytics service";

  @Test
  void thePricingPageIsGeneratedFromThePlans() throws Exception {
    String generated = PricingPage.markdown(AnalyticsServer.defaultCatalog(), TITLE);
    if (Boolean.getBoolean("monetize.regenerate")) {
      Files.writeString(PAGE, generated, StandardCharsets.UTF_8);
    }
    assertThat(Files.readString(PAGE, StandardCharsets.UTF_8))
        .as("docs/pricing.md is out of date: run the build with -Dmonetize.regenerate=true")
        .isEqualTo(generated);
    assertThat(generated).contains("| free | pro | enterprise |").contains("not included")
        .contains("0.005 USD per call") // the short form
        .contains("calls: 10,000 calls included, then each call at its tier: 0.0015 USD per call up to 100,000")
        .contains("bytes_out: 0.09 USD per 1,073,741,824 bytes_out")
        .contains("calls: 0.8 USD per started package of 100 calls")
        .contains("calls: every call at the tier of the total: 0.002 USD per call + 10 USD up to 1,000,000")
        .contains("| Minimum | none | 10.00 USD of usage per billing period | none |");
  }

  @Test
  void theServiceServesItAsHtml() throws Exception {
    try (AnalyticsServer app = AnalyticsServer.builder().port(0).start()) {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + app.port() + "/monetize/pricing")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
      assertThat(r.body()).contains("<th>free</th>").contains("<th>enterprise</th>").contains("not included");
      // the operator's words on a page of its own origin: no script runs there, nothing is sniffed
      assertThat(r.headers().firstValue("Content-Security-Policy").orElse("")).startsWith("default-src 'none';")
          .doesNotContain("script-src");
      assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    }
  }
}
