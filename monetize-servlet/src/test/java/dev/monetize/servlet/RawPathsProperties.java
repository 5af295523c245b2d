package dev.monetize.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** A raw URI is normalized exactly when no segment is empty (but a trailing one), '.', '..' or holds an encoded separator. */
class RawPathsProperties {
  @Provide
  Arbitrary<List<String>> segments() {
    Arbitrary<String> segment = Arbitraries.oneOf(
        Arbitraries.strings().withChars("abcXYZ019-_~").ofMinLength(1).ofMaxLength(6),
        Arbitraries.of(".", "..", "%2e", "%2E%2e", ".%2e", "", "a%2fb", "a%5Cb", "x;p=1", "..;p", "%2e;x", "a.b",
            "...", "%2ea", "v1.2"));
    return segment.list().ofMinSize(1).ofMaxSize(6);
  }

  private static boolean bad(String segment, boolean last) {
    String name = segment.contains(";") ? segment.substring(0, segment.indexOf(';')) : segment;
    String decoded = name.replace("%2e", ".").replace("%2E", ".");
    String lower = segment.toLowerCase(java.util.Locale.ROOT);
    return decoded.equals(".") || decoded.equals("..") || name.isEmpty() && (!last || segment.startsWith(";"))
        || lower.contains("%2f") || lower.contains("%5c");
  }

  @Property
  void refusedExactlyWhenASegmentIsBad(@ForAll("segments") List<String> segments) {
    String raw = "/" + String.join("/", segments);
    boolean anyBad = false;
    for (int i = 0; i < segments.size(); i++) {
      anyBad |= bad(segments.get(i), i == segments.size() - 1);
    }
    assertThat(RawPaths.normalized(raw)).as(raw).isEqualTo(!anyBad);
  }

  @Example
  void examples() {
    assertThat(RawPaths.normalized("/v1/stats/summary")).isTrue();
    assertThat(RawPaths.normalized("/v1/stats/")).isTrue(); // a trailing slash is the route table's to judge
    assertThat(RawPaths.normalized("/")).isTrue();
    assertThat(RawPaths.normalized("/v1/%2e%2e/actuator")).isFalse();
    assertThat(RawPaths.normalized("/v1/../actuator")).isFalse();
    assertThat(RawPaths.normalized("//v1/stats")).isFalse();
    assertThat(RawPaths.normalized("/v1/./stats")).isFalse();
    assertThat(RawPaths.normalized("/v1/a%2Fb")).isFalse();
    assertThat(RawPaths.normalized("/v1/..;x/y")).isFalse();
    assertThat(RawPaths.normalized("/v1.2/report.csv")).isTrue();
  }
}
