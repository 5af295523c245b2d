package dev.monetize.config.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.Version;
import org.junit.jupiter.api.Test;

/** A class path that mixes Jackson versions is refused with the versions found and the BOM to import. */
class JacksonVersionsTest {
  private static Version v(String text) {
    String[] p = text.split("\\.");
    return new Version(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]), null, null, null);
  }

  @Test
  void oneVersionOfTwoEighteenOrLaterPasses() {
    assertThat(JacksonVersions.problem(v("2.18.2"), v("2.18.2"), v("2.18.2"))).isNull();
    assertThat(JacksonVersions.problem(v("2.19.2"), v("2.19.1"), v("2.19.0"))).isNull(); // patches may differ
    JacksonVersions.require(); // this build's own class path
  }

  @Test
  void aMixOrAnOlderVersionIsRefusedSayingWhatToImport() {
    // what Jersey 3.1.9's JSON module brings beside Monetize: the case a newcomer hit
    assertThat(JacksonVersions.problem(v("2.17.2"), v("2.17.2"), v("2.18.2")))
        .isEqualTo("Monetize needs jackson-core, jackson-databind and jackson-dataformat-yaml of one version, 2.18 or "
            + "later; the class path has jackson-core 2.17.2, jackson-databind 2.17.2 and jackson-dataformat-yaml "
            + "2.18.2. Import com.fasterxml.jackson:jackson-bom (2.18.2 or later) in your dependencyManagement, "
            + "before any other BOM");
    assertThat(JacksonVersions.problem(v("2.17.2"), v("2.17.2"), v("2.17.2"))).contains("2.18 or later");
    assertThat(JacksonVersions.problem(v("2.19.0"), v("2.18.2"), v("2.19.0"))).contains("jackson-databind 2.18.2");
  }
}
