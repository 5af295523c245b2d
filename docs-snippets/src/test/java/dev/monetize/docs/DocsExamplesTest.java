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
}
