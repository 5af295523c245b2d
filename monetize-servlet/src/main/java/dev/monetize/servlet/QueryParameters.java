package dev.monetize.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters of a request whose method reads no body ({@code GET}, {@code HEAD}, {@code DELETE},
 * {@code OPTIONS}) but which sends a multipart one: from its query string only. A container that
 * parses multipart bodies for any method (Tomcat does, for a servlet with a multipart configuration,
 * as Spring's is) would otherwise give an endpoint parameters that are in neither the audit trail,
 * the response cache's key nor the metered body.
 */
final class QueryParameters {
  private QueryParameters() {}

  /** Whether {@code request}'s parameters are its query string's only. */
  static boolean queryOnly(HttpServletRequest request) {
    String method = request.getMethod();
    String type = request.getContentType();
    return type != null && type.regionMatches(true, 0, "multipart/", 0, 10)
        && !("POST".equals(method) || "PUT".equals(method) || "PATCH".equals(method));
  }

  /** The query string's parameters, in order, decoded as the container would ({@code +} a space). */
  static Map<String, String[]> of(HttpServletRequest request) {
    String query = request.getQueryString();
    Map<String, List<String>> values = new LinkedHashMap<>();
    if (query != null && !query.isEmpty()) {
      Charset charset = StandardCharsets.UTF_8; // the URI's encoding, not the body's
      for (String pair : query.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = decode(eq < 0 ? pair : pair.substring(0, eq), charset);
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1), charset);
        values.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
      }
    }
    Map<String, String[]> out = new LinkedHashMap<>();
    values.forEach((name, v) -> out.put(name, v.toArray(String[]::new)));
    return Collections.unmodifiableMap(out);
  }

  private static String decode(String s, Charset charset) {
    return java.net.URLDecoder.decode(s, charset); // a malformed escape throws: the caller's 400
  }
}
