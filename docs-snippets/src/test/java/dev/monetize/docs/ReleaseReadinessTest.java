package dev.monetize.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What publishing needs, checked on every build: each published module (one that sets
 * {@code monetize.unpublished} to false, so that it ships sources and Javadoc) is in the BOM and has
 * a module descriptor, and the parent carries the metadata Maven Central requires.
 */
class ReleaseReadinessTest {
  private static String read(Path p) throws IOException {
    return Files.readString(DocsSnippetsTest.ROOT.resolve(p), StandardCharsets.UTF_8);
  }

  private static List<String> published() throws IOException {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(read(Path.of("pom.xml")));
    while (m.find()) {
      Path pom = Path.of(m.group(1), "pom.xml");
      if (read(pom).contains("<monetize.unpublished>false</monetize.unpublished>")) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  @Test
  void everyPublishedModuleIsInTheBomAndHasAModuleDescriptor() throws IOException {
    List<String> modules = published();
    assertThat(modules).contains("monetize-core", "monetize-servlet", "monetize-jaxrs", "monetize-redis",
        "monetize-postgres", "monetize-testkit", "monetize-spring-boot-starter");
    String bom = read(Path.of("monetize-bom", "pom.xml"));
    for (String module : modules) {
      assertThat(bom).as("the BOM lists " + module).contains("<artifactId>" + module + "</artifactId>");
      if (read(Path.of(module, "pom.xml")).contains("<Automatic-Module-Name>dev.monetize.")) {
        continue; // named in its manifest: a jar Tomcat's split jakarta.servlet packages keep off the module path
      }
      assertThat(DocsSnippetsTest.ROOT.resolve(Path.of(module, "src", "main", "java", "module-info.java")))
          .as(module + " has a module descriptor").exists();
    }
  }

  @Test
  void theParentCarriesWhatMavenCentralRequires() throws IOException {
    String parent = read(Path.of("pom.xml"));
    for (String element : List.of("<name>", "<description>", "<url>", "<licenses>", "<developers>", "<scm ")) {
      assertThat(parent).as(element).contains(element);
    }
    assertThat(DocsSnippetsTest.ROOT.resolve("LICENSE")).exists();
    assertThat(parent).contains("<id>release</id>").contains("maven-gpg-plugin");
  }
}
