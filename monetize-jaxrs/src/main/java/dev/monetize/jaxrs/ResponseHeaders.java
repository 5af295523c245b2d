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
}
