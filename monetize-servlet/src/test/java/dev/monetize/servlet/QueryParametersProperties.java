package dev.monetize.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/** The query string's parameters, read back as they were written, whatever the names and values. */
class QueryParametersProperties {
  @Property(tries = 300)
  void whatIsEncodedIsReadBackInOrder(@ForAll @Size(max = 6) List<@Size(min = 1, max = 2) List<String>> pairs) {
    Map<String, List<String>> expected = new LinkedHashMap<>();
    List<String> encoded = new ArrayList<>();
    for (List<String> pair : pairs) {
      String name = pair.get(0).isEmpty() ? "n" : pair.get(0);
      String value = pair.size() > 1 ? pair.get(1) : "";
      expected.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
      encoded.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
    Map<String, String[]> read = QueryParameters.of(request(String.join("&", encoded), "GET", null));
    assertThat(read.keySet()).containsExactlyElementsOf(expected.keySet());
    expected.forEach((name, values) -> assertThat(read.get(name)).containsExactlyElementsOf(values));
  }

  @Property(tries = 100)
  void onlyABodilessMethodSendingAMultipartBodyIsReadFromItsQueryAlone(
      @ForAll("methods") String method, @ForAll("types") String type) {
    boolean bodiless = !List.of("POST", "PUT", "PATCH").contains(method);
    boolean multipart = type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/");
    assertThat(QueryParameters.queryOnly(request("a=1", method, type))).isEqualTo(bodiless && multipart);
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> methods() {
    return net.jqwik.api.Arbitraries.of("GET", "HEAD", "DELETE", "OPTIONS", "POST", "PUT", "PATCH");
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> types() {
    return net.jqwik.api.Arbitraries.of(null, "multipart/form-data; boundary=x", "Multipart/Mixed",
        "application/x-www-form-urlencoded", "application/json");
  }

  /** A request that answers its query string, method and content type (and nothing else). */
  private static jakarta.servlet.http.HttpServletRequest request(String query, String method, String type) {
    return (jakarta.servlet.http.HttpServletRequest) java.lang.reflect.Proxy.newProxyInstance(
        QueryParametersProperties.class.getClassLoader(), new Class<?>[] {jakarta.servlet.http.HttpServletRequest.class},
        (proxy, m, args) -> switch (m.getName()) {
          case "getQueryString" -> query;
          case "getMethod" -> method;
          case "getContentType" -> type;
          default -> throw new UnsupportedOperationException(m.getName());
        });
  }
}
