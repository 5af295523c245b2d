package dev.monetize.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.config.CatalogLoader;
import dev.monetize.plans.Catalog;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What the docs show behaves as they say (DocsSnippetsTest holds the pages to these sources and files). */
class DocsExamplesTest {
  @Test
  void thePlansFileOfThePlansPageLoads() throws Exception {
    Catalog catalog = CatalogLoader.load(Path.of("src/test/resources/reference/plans.yaml"));
    assertThat(catalog.plan("free")).isPresent();
    assertThat(catalog.plan("pro")).isPresent();
    assertThat(catalog.operation("export")).isPresent();
    assertThat(catalog.operation("summary")).isPresent();
  }

  @Test
  void theOutboundLimitOfTheLimitsPageLimits() {
    int admitted = 0;
    for (int i = 0; i < 100; i++) {
      admitted += OutboundLimit.callPartner() ? 1 : 0;
    }
    assertThat(admitted).isBetween(1, 50); // 50 a second, no burst: far fewer than 100 calls made at once
  }

  @Test
  void thePlansPagesMistakesReadAsThePageShowsThem(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    String reference = java.nio.file.Files.readString(Path.of("src/test/resources/reference/plans.yaml"));
    String page = java.nio.file.Files.readString(Path.of("../docs/plans.md"));
    String[][] mistakes = {
        {"rate: { count: 5, period: 1s, burst: 5 }", "rate: { count: -5, period: 1s, burst: 5 }"},
        {"    rank: 1 ", "    rnak: 1 "},
        {"    minimum_plan: pro ", "    minimum_plan: gold "}};
    for (String[] m : mistakes) {
      assertThat(reference).contains(m[0]);
      java.nio.file.Path file = java.nio.file.Files.createTempDirectory(dir, "m").resolve("plans.yaml");
      java.nio.file.Files.writeString(file, reference.replaceFirst(java.util.regex.Pattern.quote(m[0]), m[1]));
      String message = org.junit.jupiter.api.Assertions.assertThrows(dev.monetize.config.ConfigException.class,
          () -> CatalogLoader.load(file)).getMessage();
      assertThat(page).contains("plans.yaml: " + message.substring(message.indexOf("plans.yaml: ") + 12));
    }
  }
}
