package dev.monetize.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.monetize.plans.Operation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class PathTemplateProperties {
  /** A template as a list of segments: a literal, or null for a variable. */
  @Provide
  Arbitrary<List<String>> shapes() {
    Arbitrary<String> literal = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(6);
    Arbitrary<String> segment = Arbitraries.oneOf(literal, Arbitraries.just("*VAR*"));
    return segment.list().ofMinSize(0).ofMaxSize(6);
  }

  @Provide
  Arbitrary<String> values() {
    return Arbitraries.strings().withCharRange('0', '9').withCharRange('A', 'Z').withChars('-', '_', '~', '%')
        .ofMinLength(1).ofMaxLength(8);
  }

  @Property
  void pathsBuiltFromATemplateMatchItAndYieldTheirValues(@ForAll("shapes") List<String> shape,
      @ForAll("values") String value) {
    StringBuilder template = new StringBuilder();
    StringBuilder path = new StringBuilder();
    Map<String, String> expected = new LinkedHashMap<>();
    for (int i = 0; i < shape.size(); i++) {
      String s = shape.get(i);
      if (s.equals("*VAR*")) {
        template.append("/{v").append(i).append('}');
        String v = value + i;
        path.append('/').append(v);
        expected.put("v" + i, v);
      } else {
        template.append('/').append(s);
        path.append('/').append(s);
      }
    }
    PathTemplate t = PathTemplate.parse(template.length() == 0 ? "/" : template.toString());
    String p = path.length() == 0 ? "/" : path.toString();
    assertThat(t.match(p)).contains(expected);
    assertThat(t.matches(p + "/")).isTrue();
    assertThat(t.matches("/" + p + "//")).isTrue();
    assertThat(t.matches(p + "/extra")).isFalse();
  }

  @Property
  void aChangedLiteralDoesNotMatch(@ForAll("shapes") List<String> shape) {
    List<String> literals = new ArrayList<>();
    for (String s : shape) {
      literals.add(s.equals("*VAR*") ? "x" : s);
    }
    if (literals.isEmpty()) {
      return;
    }
    String template = "/" + String.join("/", literals);
    PathTemplate t = PathTemplate.parse(template);
    List<String> changed = new ArrayList<>(literals);
    changed.set(changed.size() - 1, changed.get(changed.size() - 1) + "Z");
    assertThat(t.matches("/" + String.join("/", changed))).isFalse();
  }

  @Property(tries = 2000)
  void arbitraryPathsMatchExactlyTheirShape(@ForAll("reportPaths") String path) {
    PathTemplate t = PathTemplate.parse("/v1/reports/{id}");
    // the oracle: split on '/', drop empty and '.' segments, let '..' climb (above the root: no match)
    java.util.Deque<String> segments = new java.util.ArrayDeque<>();
    boolean climbedOut = false;
    for (String seg : path.split("/", -1)) {
      if (seg.equals("..")) {
        climbedOut |= segments.pollLast() == null;
      } else if (!seg.isEmpty() && !seg.equals(".")) {
        segments.addLast(seg);
      }
    }
    List<String> parts = new ArrayList<>(segments);
    boolean shaped = !climbedOut && parts.size() == 3 && parts.get(0).equals("v1") && parts.get(1).equals("reports");
    String rest = shaped ? parts.get(2) : null;
    assertThat(t.matches(path)).as(path).isEqualTo(shaped);
    assertThat(t.match(path)).isEqualTo(shaped ? java.util.Optional.of(java.util.Map.of("id", rest))
        : java.util.Optional.empty());
    // the route table also refuses a trailing slash (whether it is the same resource is the application's call)
    boolean trailing = path.length() > 1 && path.endsWith("/");
    assertThat(RouteTable.of(List.of(Operation.builder("r", "GET", "/v1/reports/{id}").build())).match("GET", path)
        .isPresent()).as(path).isEqualTo(shaped && !trailing);
  }

  /**
   * Literal routes are found by their exact path without splitting it; the same path with a {@code .}
   * segment takes the general way through every route of its length. Both must choose alike.
   */
  @Property(tries = 1_000)
  void theExactPathAndTheGeneralMatchChooseTheSameRoute(
      @ForAll("routeShapes") List<List<String>> shapes, @ForAll("routeShapes") List<List<String>> requests) {
    List<Operation> ops = new ArrayList<>();
    for (int i = 0; i < shapes.size(); i++) {
      String method = i % 3 == 0 ? "POST" : "GET";
      ops.add(Operation.builder("op" + i, method, "/" + String.join("/", shapes.get(i))).build());
    }
    RouteTable routes;
    try {
      routes = RouteTable.of(ops);
    } catch (IllegalArgumentException ambiguous) {
      return;
    }
    for (List<String> request : requests) {
      String path = "/" + String.join("/", request).replace("{v}", "c");
      String dotted = "/." + path;
      for (String method : List.of("GET", "HEAD", "POST")) {
        assertThat(routes.match(method, path)).as(method + " " + path).isEqualTo(routes.match(method, dotted));
      }
    }
  }

  @Provide
  Arbitrary<List<List<String>>> routeShapes() {
    return Arbitraries.of("a", "b", "{v}").list().ofMinSize(1).ofMaxSize(3).list().ofMinSize(1).ofMaxSize(6);
  }

  @Provide
  Arbitrary<String> reportPaths() {
    Arbitrary<String> any = Arbitraries.strings().ofMaxLength(80);
    Arbitrary<String> segment = Arbitraries.strings().withChars("ab1/%.-_ ").ofMaxLength(12);
    return Arbitraries.oneOf(any, segment.map(x -> "/v1/reports/" + x), segment.map(x -> "/v1/report" + x));
  }

  @Property(tries = 500)
  void arbitraryTemplatesParseOrFailWithIllegalArgument(@ForAll @StringLength(max = 40) String template) {
    try {
      PathTemplate.parse(template);
    } catch (IllegalArgumentException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  @Test
  void dotSegmentsAreResolvedAndCannotEscapeTheRoot() {
    PathTemplate t = PathTemplate.parse("/v1/export");
    assertThat(t.matches("/v1/./export")).isTrue();
    assertThat(t.matches("/v1/x/../export")).isTrue();
    assertThat(t.matches("/../v1/export")).isFalse();
  }

  @Test
  void badTemplatesAreRefusedWithAReason() {
    assertThatThrownBy(() -> PathTemplate.parse("v1")).hasMessageContaining("must start with '/'");
    assertThatThrownBy(() -> PathTemplate.parse("/a/{id}/{id}")).hasMessageContaining("twice");
    assertThatThrownBy(() -> PathTemplate.parse("/a/x{id}")).hasMessageContaining("segment 'x{id}'");
  }

  @Test
  void routeTablePrefersLiteralsAndMapsHeadToGet() {
    Operation byId = Operation.builder("byId", "GET", "/v1/reports/{id}").build();
    Operation latest = Operation.builder("latest", "GET", "/v1/reports/latest").build();
    Operation create = Operation.builder("create", "POST", "/v1/reports").build();
    RouteTable routes = RouteTable.of(List.of(byId, latest, create));
    assertThat(routes.match("GET", "/v1/reports/latest")).contains(latest);
    assertThat(routes.match("GET", "/v1/reports/7")).contains(byId);
    assertThat(routes.match("HEAD", "/v1/reports/7")).contains(byId);
    assertThat(routes.match("POST", "/v1/reports")).contains(create);
    assertThat(routes.match("GET", "/v1/reports")).isEmpty();
    assertThat(routes.match("DELETE", "/v1/reports/7")).isEmpty();
  }

  @Test
  void ambiguousRoutesAreRefused() {
    Operation a = Operation.builder("a", "GET", "/v1/reports/{id}").build();
    Operation b = Operation.builder("b", "GET", "/v1/reports/{name}").build();
    assertThatThrownBy(() -> RouteTable.of(List.of(a, b))).hasMessageContaining("'a' and 'b' both match");
  }

}
