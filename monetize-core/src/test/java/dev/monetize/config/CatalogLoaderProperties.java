package dev.monetize.config;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

/** Whatever the input, the loader returns a catalog or throws a ConfigException: nothing else. */
class CatalogLoaderProperties {
  private static final String VALID;

  static {
    try {
      VALID = CatalogLoaderTest.valid();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Property(tries = 1000)
  void arbitraryTextNeverFailsWithAnotherException(@ForAll @StringLength(max = 200) String text) {
    loadEither("plans.yaml", text);
    loadEither("plans.json", text);
  }

  @Property(tries = 1500)
  void mutatedValidDocumentsLoadOrFailWithAPath(@ForAll @IntRange(min = 0, max = 2000) int at,
      @ForAll @IntRange(min = 0, max = 12) int cut, @ForAll("fragments") String insert) {
    int start = Math.min(at, VALID.length());
    int end = Math.min(start + cut, VALID.length());
    String mutated = VALID.substring(0, start) + insert + VALID.substring(end);
    loadEither("plans.yaml", mutated);
  }

  @Provide
  Arbitrary<String> fragments() {
    return Arbitraries.oneOf(
        Arbitraries.of("", "-", ":", "{", "}", "[", "]", "\"", "'", "\n", "  ", "#", "&a", "*a", "!!int", "~", "null",
            "-1", "0", "1e400", "99999999999999999999", "0.5", "true", "x", "{}", "[]", "\t", "\u00e9", "%", "?",
            "window: decade", "count: []", "period: -1s", "amount: abc", "rank: 1001", "burst: 1.5"),
        Arbitraries.strings().ofMaxLength(6));
  }

  private static void loadEither(String name, String text) {
    try {
      assertThat(CatalogLoader.parse(name, text).plans()).isNotEmpty();
    } catch (ConfigException expected) {
      assertThat(expected.getMessage()).startsWith(name + ": ");
    }
  }
}
