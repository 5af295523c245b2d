package dev.monetize.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** IDEs complete every {@code monetize.*} property with its description and default. */
class MetadataTest {
  @Test
  void everyPropertyIsDescribed() throws Exception {
    JsonNode metadata;
    try (InputStream in = MetadataTest.class.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("the configuration processor's metadata").isNotNull();
      metadata = new ObjectMapper().readTree(in);
    }
    assertThat(metadata.get("properties")).hasSizeGreaterThanOrEqualTo(21);
    for (JsonNode p : metadata.get("properties")) {
      assertThat(p.path("description").asText()).as(p.get("name").asText()).isNotBlank();
    }
    assertThat(metadata.findValuesAsText("name")).contains("monetize.key-pepper", "monetize.plans",
        "monetize.journal.directory", "monetize.trusted-proxies", "monetize.unmatched-routes");
  }
}
