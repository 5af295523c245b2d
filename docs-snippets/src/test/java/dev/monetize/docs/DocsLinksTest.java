package dev.monetize.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every relative link of README.md and docs/*.md resolves: the file or directory exists, and an
 * anchor names a heading of the target page (GitHub's slugs) or an {@code <a id>} in it.
 */
class DocsLinksTest {
  private static final Pattern LINK = Pattern.compile("\\[[^\\]]*]\\(([^)\\s]+)\\)");
  private static final Pattern HEADING = Pattern.compile("#{1,6} (.+)");
  private static final Pattern ANCHOR = Pattern.compile("<a (?:id|name)=\"([^\"]+)\"");

  /** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
  static String slug(String heading) {
    String text = heading.replaceAll("`", "").replaceAll("\\[([^\\]]*)]\\([^)]*\\)", "$1").trim()
        .toLowerCase(Locale.ROOT);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
        sb.append(c);
      } else if (c == ' ') {
        sb.append('-');
      }
    }
    return sb.toString();
  }

  static Set<String> anchors(Path page) throws IOException {
    Set<String> out = new HashSet<>();
    boolean fenced = false;
    for (String line : Files.readAllLines(page, StandardCharsets.UTF_8)) {
      if (line.startsWith("```")) {
        fenced = !fenced;
      }
      Matcher h = HEADING.matcher(line);
      if (!fenced && h.matches()) {
        String s = slug(h.group(1));
        String unique = s;
        for (int n = 1; out.contains(unique); n++) {
          unique = s + "-" + n;
        }
        out.add(unique);
      }
      Matcher a = ANCHOR.matcher(line);
      while (a.find()) {
        out.add(a.group(1));
      }
    }
    return out;
  }

  @Test
  void everyRelativeLinkAndAnchorResolves() throws IOException {
    List<String> broken = new ArrayList<>();
    int links = 0;
    for (Path page : DocsSnippetsTest.pages()) {
      boolean fenced = false;
      List<String> lines = Files.readAllLines(page, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).startsWith("```")) {
          fenced = !fenced;
        }
        if (fenced) {
          continue;
        }
        Matcher m = LINK.matcher(lines.get(i));
        while (m.find()) {
          String target = m.group(1);
          if (target.matches("[a-z]+:.*")) {
            continue; // https:, mailto:: not ours to check offline
          }
          links++;
          int hash = target.indexOf('#');
          String file = hash < 0 ? target : target.substring(0, hash);
          Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
          String where = page + ":" + (i + 1) + " -> " + target;
          if (!Files.exists(resolved)) {
            broken.add(where + " (no such file)");
          } else if (hash >= 0 && !(resolved.toString().endsWith(".md")
              && anchors(resolved).contains(target.substring(hash + 1)))) {
            broken.add(where + " (no such anchor)");
          }
        }
      }
    }
    assertThat(links).as("relative links checked").isGreaterThan(20);
    assertThat(broken).as("links that do not resolve").isEmpty();
  }

  @Test
  void slugsAreGitHubs() {
    assertThat(slug("Add it to your servlet application")).isEqualTo("add-it-to-your-servlet-application");
    assertThat(slug("`method_not_allowed`")).isEqualTo("method_not_allowed");
    assertThat(slug("Schema and migrations")).isEqualTo("schema-and-migrations");
    assertThat(slug("What it costs: 1.5 us (p99)")).isEqualTo("what-it-costs-15-us-p99");
  }
}
