package dev.monetize.jaxrs;

import dev.monetize.http.Header;

/** The adapter's side of a JAX-RS answer's headers: read them in their wire form, set the engine's. */
final class ResponseHeaders {
  private ResponseHeaders() {
  }

  /** The answer's headers as the runtime holds them, each value apart and in its wire form (for the cache to choose from). */
  static java.util.List<Header> headersOf(jakarta.ws.rs.core.MultivaluedMap<String, Object> headers) {
    java.util.List<Header> all = new java.util.ArrayList<>();
    headers.forEach((name, values) -> {
      for (Object value : values) {
        all.add(new Header(name, wire(value)));
      }
    });
    return all;
  }

  /** A header value as it goes on the wire: through the runtime's delegate for its type (a {@code Date}, a URI...). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static String wire(Object value) {
    if (value instanceof String s) {
      return s;
    }
    try {
      jakarta.ws.rs.ext.RuntimeDelegate.HeaderDelegate d =
          jakarta.ws.rs.ext.RuntimeDelegate.getInstance().createHeaderDelegate(value.getClass());
      return d != null ? d.toString(value) : String.valueOf(value);
    } catch (RuntimeException e) { // a type the runtime has no delegate for
      return String.valueOf(value);
    }
  }

  /** Sets {@code h}, adding to a {@code Vary} or {@code Link} the response already holds. */
  static void put(jakarta.ws.rs.core.MultivaluedMap<String, Object> headers, Header h) {
    if (!h.merges()) {
      headers.putSingle(h.name(), h.value());
      return;
    }
    java.util.List<Object> values = headers.get(h.name()); // every value so far (a Link list may hold several)
    String existing = values == null || values.isEmpty() ? null
        : values.stream().map(ResponseHeaders::wire).collect(java.util.stream.Collectors.joining(", "));
    headers.putSingle(h.name(), h.mergedWith(existing));
  }

  /**
   * On an answer served from the cache: a CORS header ({@code Access-Control-*}) the application's
   * response filter set again beside the stored one is sent once. A value repeated is dropped; of a
   * header with one value by definition ({@code -Allow-Origin}, {@code -Allow-Credentials},
   * {@code -Max-Age}) the filter's (the last) is kept, since browsers refuse an answer with two.
   */
  static void oneCorsValueEach(jakarta.ws.rs.core.MultivaluedMap<String, Object> headers) {
    for (String name : java.util.List.copyOf(headers.keySet())) {
      java.util.List<Object> values = headers.get(name);
      if (values == null || values.size() < 2 || !name.regionMatches(true, 0, "Access-Control-", 0, 15)) {
        continue;
      }
      String lower = name.toLowerCase(java.util.Locale.ROOT);
      if (lower.equals("access-control-allow-origin") || lower.equals("access-control-allow-credentials")
          || lower.equals("access-control-max-age")) {
        headers.putSingle(name, values.get(values.size() - 1));
      } else {
        java.util.Set<String> distinct = new java.util.LinkedHashSet<>();
        values.forEach(v -> distinct.add(wire(v)));
        headers.put(name, new java.util.ArrayList<>(distinct));
      }
    }
  }
}
