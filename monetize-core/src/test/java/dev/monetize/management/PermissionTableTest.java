package dev.monetize.management;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/security.md shows the authority table generated from {@link ManagementOperation}, and
 * docs/management-api.md documents exactly the routes the table serves. Run with
 * {@code -Dmonetize.regenerate=true} to rewrite the generated part after changing the table.
 */
class PermissionTableTest {
  private static final Path SECURITY = Path.of("..", "docs", "security.md");
  private static final Path API = Path.of("..", "docs", "management-api.md");
  private static final String START = "<!-- generated from ManagementOperation: do not edit -->\n";
  private static final String END = "<!-- end of generated table -->";

  @Test
  void theSecurityPageShowsTheTableOfTheCode() throws Exception {
    String page = Files.readString(SECURITY, StandardCharsets.UTF_8);
    int from = page.indexOf(START);
    int to = page.indexOf(END);
    assertThat(from).as("docs/security.md holds the generated table markers").isPositive();
    String generated = PermissionTable.markdown();
    if (Boolean.getBoolean("monetize.regenerate")) {
      page = page.substring(0, from + START.length()) + generated + page.substring(to);
      Files.writeString(SECURITY, page, StandardCharsets.UTF_8);
      to = page.indexOf(END);
    }
    assertThat(page.substring(from + START.length(), to))
        .as("docs/security.md is out of date: run mvn -pl monetize-core test -Dmonetize.regenerate=true")
        .isEqualTo(generated);
  }

  @Test
  void theManagementApiPageDocumentsExactlyTheRoutesOfTheTable() throws Exception {
    Matcher m = Pattern.compile("^\\| `(GET|POST|PUT|PATCH|DELETE) /monetize(/[^ ?`]*)", Pattern.MULTILINE)
        .matcher(Files.readString(API, StandardCharsets.UTF_8));
    List<String> documented = new java.util.ArrayList<>();
    while (m.find()) {
      documented.add(m.group(1) + " " + m.group(2));
    }
    List<String> served = Arrays.stream(ManagementOperation.values()).map(op -> op.method() + " " + op.path()).toList();
    assertThat(documented).containsExactlyInAnyOrderElementsOf(served);
  }

  @Test
  void everyRouteOfTheTableMatchesItsOwnOperationOnly() {
    for (ManagementOperation op : ManagementOperation.values()) {
      String route = op.path().replaceAll("\\{[a-z]+}", "x_1");
      assertThat(ManagementOperation.match(op.method(), route)).map(ManagementOperation.Match::operation)
          .contains(op);
      assertThat(ManagementOperation.methodsOn(route)).contains(op.method());
    }
    assertThat(ManagementOperation.match("DELETE", "/keys/x")).isEmpty();
    assertThat(ManagementOperation.methodsOn("/nothing")).isEmpty();
  }
}
