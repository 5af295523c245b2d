package dev.monetize.modules;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The core module exports its public API and nothing else: every package except the
 * {@code internal} ones, and never an {@code internal} one, not even to a friend module. The one
 * opening allowed is of the management API's body records, to Jackson only, so it can bind them
 * on the module path; nothing else reaches in by reflection.
 */
class ModuleDescriptorTest {
  private static ModuleDescriptor descriptor() throws Exception {
    try (InputStream in = Files.newInputStream(Path.of("target", "classes", "module-info.class"))) {
      return ModuleDescriptor.read(in);
    }
  }

  @Test
  void noInternalPackageIsExportedOrOpened() throws Exception {
    ModuleDescriptor d = descriptor();
    assertThat(d.name()).isEqualTo("dev.monetize.core");
    assertThat(d.exports()).allSatisfy(e -> assertThat(e.source()).doesNotContain("internal"));
    assertThat(d.opens()).allSatisfy(o -> {
      assertThat(o.source()).isEqualTo("dev.monetize.management.internal");
      assertThat(o.targets()).containsExactly("com.fasterxml.jackson.databind");
    });
    assertThat(d.isOpen()).isFalse();
  }

  /** The packages of the compiled classes (javac writes no package list into the descriptor). */
  private static Set<String> packages() throws Exception {
    Path classes = Path.of("target", "classes");
    try (var files = Files.walk(classes)) {
      return files.filter(f -> f.toString().endsWith(".class") && !f.endsWith("module-info.class"))
          .map(f -> classes.relativize(f.getParent()).toString().replace(java.io.File.separatorChar, '.'))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  @Test
  void everyOtherPackageIsExportedToEveryone() throws Exception {
    ModuleDescriptor d = descriptor();
    Set<String> all = packages();
    Set<String> api = all.stream().filter(p -> !p.contains(".internal")).collect(Collectors.toCollection(TreeSet::new));
    Set<String> exported = d.exports().stream().filter(e -> !e.isQualified()).map(ModuleDescriptor.Exports::source)
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(exported).isEqualTo(api);
    assertThat(all).anyMatch(p -> p.endsWith(".internal")); // the check above is not vacuous
  }
}
