package dev.monetize.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Java snippet of README.md and docs/*.md is cut from a compiled source of this module: the
 * line before its fence names the source and region ({@code <!-- snippet: File.java#region -->}),
 * and the fence holds exactly the region's lines ({@code // tag::region[]} to
 * {@code // end::region[]}, each range dedented, ranges joined by a blank line). Run with
 * {@code -Dmonetize.regenerate=true} to rewrite the markdown from the sources after changing them.
 */
class DocsSnippetsTest {
  static final Path ROOT = Path.of("..");
  private static final Path SOURCES = Path.of("src", "test", "java", "dev", "monetize", "docs");
  private static final Path STARTER_APP = Path.of("..", "monetize-spring-boot-starter", "src", "test", "java", "com");
  private static final Path EXAMPLE_CLIENT = Path.of("..", "examples", "analytics-client", "src", "test", "java");
  private static final Pattern MARKER = Pattern.compile("<!-- snippet: ([A-Za-z0-9/._-]+\\.java)#([a-z0-9-]+) -->");
  /** A whole test resource shown in a fence of another language (a plans file, say). */
  private static final Pattern RESOURCE =
      Pattern.compile("<!-- snippet: ([A-Za-z0-9/._-]+\\.(?:yaml|json|properties|xml)) -->");
  private static final Pattern TAG = Pattern.compile("\\s*// (tag|end)::([a-z0-9-]+)\\[]\\s*");

  /** README.md and every page of docs/. */
  static List<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>();
    pages.add(ROOT.resolve("README.md"));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    return pages;
  }

  /**
   * A snippet's file: a name alone is a source of this module's tests, a path is relative to the
   * module (the guides' projects under {@code src/it}).
   */
  static Path file(String name) {
    return name.contains("/") ? Path.of(name) : SOURCES.resolve(name);
  }

  /**
   * A guide's file as its user sees it: the {@code @name@} placeholders Maven Invoker fills are
   * replaced by the versions of the parent POM ({@code @project.version@} included).
   */
  static String withVersions(String text) throws IOException {
    String parent = Files.readString(ROOT.resolve("pom.xml"), StandardCharsets.UTF_8);
    Map<String, String> values = new LinkedHashMap<>();
    Matcher version = Pattern.compile("<artifactId>monetize-parent</artifactId>\\s*<version>([^<]+)</version>")
        .matcher(parent);
    if (version.find()) {
      values.put("project.version", version.group(1));
    }
    String properties = parent.substring(parent.indexOf("<properties>"), parent.indexOf("</properties>"));
    Matcher p = Pattern.compile("<([A-Za-z0-9.-]+)>([^<]+)</\\1>").matcher(properties);
    while (p.find()) {
      values.put(p.group(1), p.group(2));
    }
    String out = text;
    for (Map.Entry<String, String> e : values.entrySet()) {
      out = out.replace("@" + e.getKey() + "@", e.getValue());
    }
    return out;
  }

  /** The text of region {@code tag} of {@code file}. */
  static String region(String file, String tag) throws IOException {
    List<String> lines = Files.readAllLines(file(file), StandardCharsets.UTF_8);
    List<List<String>> ranges = new ArrayList<>();
    List<String> open = null;
    for (String line : lines) {
      Matcher m = TAG.matcher(line);
      if (m.matches() && m.group(2).equals(tag)) {
        if (m.group(1).equals("tag")) {
          assertThat(open).as("%s: tag::%s[] opened twice", file, tag).isNull();
          open = new ArrayList<>();
        } else {
          assertThat(open).as("%s: end::%s[] without tag", file, tag).isNotNull();
          ranges.add(open);
          open = null;
        }
      } else if (open != null && !TAG.matcher(line).matches()) {
        open.add(line);
      }
    }
    assertThat(open).as("%s: tag::%s[] never ended", file, tag).isNull();
    assertThat(ranges).as("%s has no region %s", file, tag).isNotEmpty();
    List<String> parts = new ArrayList<>();
    for (List<String> range : ranges) {
      int indent = range.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
          .min().orElse(0);
      parts.add(String.join("\n", range.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList()));
    }
    return String.join("\n\n", parts);
  }

  @Test
  void everyJavaSnippetIsARegionOfACompiledSource() throws IOException {
    boolean regenerate = Boolean.getBoolean("monetize.regenerate");
    List<String> wrong = new ArrayList<>();
    Map<String, Boolean> used = new LinkedHashMap<>();
    for (Path page : pages()) {
      List<String> lines = Files.readAllLines(page, StandardCharsets.UTF_8);
      List<String> out = new ArrayList<>();
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        out.add(line);
        Matcher resource = i > 0 ? RESOURCE.matcher(lines.get(i - 1)) : null;
        boolean isResource = line.startsWith("```") && line.length() > 3 && resource.matches();
        if (!line.equals("```java") && !isResource) {
          continue;
        }
        int end = i + 1;
        while (end < lines.size() && !lines.get(end).equals("```")) {
          end++;
        }
        String shown = String.join("\n", lines.subList(i + 1, end));
        Matcher marker = i > 0 ? MARKER.matcher(lines.get(i - 1)) : null;
        if (isResource) {
          String source = withVersions(Files.readString(file(resource.group(1)), StandardCharsets.UTF_8))
              .stripTrailing();
          if (regenerate) {
            shown = source;
          } else if (!shown.equals(source)) {
            wrong.add(page + ":" + (i + 1) + " differs from " + resource.group(1) + " (run with -Dmonetize.regenerate=true)");
          }
        } else if (marker == null || !marker.matches()) {
          wrong.add(page + ":" + (i + 1) + " has a Java snippet without a <!-- snippet: File.java#region --> line");
        } else {
          used.put(marker.group(1) + "#" + marker.group(2), true);
          String source = region(marker.group(1), marker.group(2));
          if (regenerate) {
            shown = source;
          } else if (!shown.equals(source)) {
            wrong.add(page + ":" + (i + 1) + " differs from " + marker.group(1) + "#" + marker.group(2)
                + " (run with -Dmonetize.regenerate=true)\n--- markdown\n" + shown + "\n--- source\n" + source);
          }
        }
        out.addAll(List.of(shown.split("\n", -1)));
        out.add("```");
        i = end;
      }
      if (regenerate) {
        Files.writeString(page, String.join("\n", out) + "\n", StandardCharsets.UTF_8);
      }
    }
    assertThat(wrong).as("snippets that differ from the sources").isEmpty();
    TreeSet<String> regions = new TreeSet<>();
    // this module's sources, the guides' projects, the Spring Boot starter's test application and the example client's tests
    try (Stream<Path> sources = Stream.of(Files.list(SOURCES), Files.walk(Path.of("src", "it")),
        Files.walk(STARTER_APP), Files.walk(EXAMPLE_CLIENT)).flatMap(s -> s)) {
      for (Path s : sources.filter(f -> f.toString().endsWith(".java")).toList()) {
        String name = s.startsWith(SOURCES) ? s.getFileName().toString() : s.toString().replace('\\', '/');
        for (String line : Files.readAllLines(s, StandardCharsets.UTF_8)) {
          Matcher m = TAG.matcher(line);
          if (m.matches() && m.group(1).equals("tag")) {
            regions.add(name + "#" + m.group(2));
          }
        }
      }
    }
    assertThat(used.keySet()).as("regions shown in the docs").containsExactlyInAnyOrderElementsOf(regions);
  }
}
