package dev.monetize.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/errors.md is generated from {@link ErrorCode}: it must be exactly {@link ErrorCatalog}'s
 * output, and every problem {@code type} URI must point at a section of it. Run the build with
 * {@code -Dmonetize.regenerate=true} to rewrite the page after changing the enum.
 */
class ErrorCatalogTest {
  private static final Path PAGE = Path.of("..", "docs", "errors.md");

  @Test
  void thePageIsTheGeneratedCatalog() throws Exception {
    String generated = ErrorCatalog.markdown();
    if (Boolean.getBoolean("monetize.regenerate")) {
      Files.writeString(PAGE, generated, StandardCharsets.UTF_8);
    }
    assertThat(Files.readString(PAGE, StandardCharsets.UTF_8))
        .as("docs/errors.md is out of date: run mvn -pl monetize-core test -Dmonetize.regenerate=true")
        .isEqualTo(generated);
  }

  @Test
  void everyTypeUriResolvesToASectionWithItsStatus() throws Exception {
    String text = Files.readString(PAGE, StandardCharsets.UTF_8);
    for (ErrorCode code : ErrorCode.values()) {
      URI type = code.type(URI.create("https://monetize.dev/"));
      assertThat(type.toString()).isEqualTo("https://monetize.dev/errors#" + code.code());
      String anchor = type.getFragment();
      int at = text.indexOf("\n## " + anchor + "\n");
      assertThat(at).as("section for %s", anchor).isPositive();
      assertThat(text.substring(at).lines().skip(2).findFirst().orElse(""))
          .as("status of %s", code.code()).startsWith(code.status() + ".");
      assertThat(text).contains("](#" + anchor + ")");
    }
  }
}
