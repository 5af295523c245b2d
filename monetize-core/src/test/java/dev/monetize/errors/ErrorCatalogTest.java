package dev.monetize.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Every problem {@code type} URI points at a section of docs/errors.md that exists. */
class ErrorCatalogTest {
  @Test
  void everyCodeHasASectionWithItsStatus() throws Exception {
    Path catalog = Path.of("..", "docs", "errors.md");
    String text = Files.readString(catalog);
    for (ErrorCode code : ErrorCode.values()) {
      int at = text.indexOf("\n## " + code.code() + "\n");
      assertThat(at).as("section for %s", code.code()).isPositive();
      assertThat(text.substring(at).lines().skip(2).findFirst().orElse(""))
          .as("status of %s", code.code()).startsWith(code.status() + ".");
    }
  }
}
