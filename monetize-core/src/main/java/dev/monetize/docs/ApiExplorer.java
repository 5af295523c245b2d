package dev.monetize.docs;

import dev.monetize.http.Header;
import dev.monetize.http.internal.StaticBundle;
import java.util.List;
import java.util.Optional;

/**
 * Interactive API docs: Swagger UI, bundled at build time from its WebJar (no CDN), over the
 * service's own {@code /openapi.json}. Every adapter serves it at {@link #PATH} when the deployment
 * publishes its docs; "Try it out" sends the key the visitor enters under "Authorize", which stays
 * in the page's memory. The page and its assets are the same bytes for everyone.
 *
 * <pre>{@code
 * ApiExplorer.answer("/docs").ifPresent(a -> write(a.status(), a.contentType(), a.headers(), a.body()));
 * }</pre>
 */
public final class ApiExplorer {
  /** Where the page lives; its assets are below {@code /docs/assets/}. */
  public static final String PATH = "/docs";
  private static final String ASSETS = PATH + "/assets/";
  private static final StaticBundle BUNDLE = StaticBundle.read(ApiExplorer.class, "explorer", "docs/assets/",
      "swagger-ui-bundle.js", "swagger-ui.css", "explorer.js", "explorer.css");
  /**
   * No script but its own files; Swagger UI sets element styles from script (which a policy cannot
   * tell from inline styles), so styles may be inline; no framing, no referrer.
   */
  private static final List<Header> HEADERS = List.of(
      new Header("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
          + "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; form-action 'none'; base-uri 'none'; "
          + "frame-ancestors 'none'"),
      new Header("X-Content-Type-Options", "nosniff"),
      new Header("Referrer-Policy", "no-referrer"),
      new Header("X-Frame-Options", "DENY"));

  private ApiExplorer() {}

  /**
   * What answers a {@code GET} of {@code path} (below the application's context): the page at
   * {@link #PATH} or one of its assets; empty for any other path (an unknown asset name too: the
   *     adapter answers it as any path without a route).
   */
  public static Optional<Answer> answer(String path) {
    if (path.equals(PATH)) {
      return Optional.of(new Answer(200, "text/html; charset=utf-8", with("no-cache"), BUNDLE.page()));
    }
    if (!path.startsWith(ASSETS)) {
      return Optional.empty();
    }
    return BUNDLE.asset(path.substring(ASSETS.length()))
        .map(a -> new Answer(200, a.contentType(), with(StaticBundle.IMMUTABLE), a.bytes()));
  }

  private static List<Header> with(String cacheControl) {
    List<Header> h = new java.util.ArrayList<>(HEADERS);
    h.add(new Header("Cache-Control", cacheControl));
    return List.copyOf(h);
  }

  /**
   * An answer.
   *
   * @param status HTTP status
   * @param contentType its content type
   * @param headers security and caching headers
   * @param body the bytes
   */
  public record Answer(int status, String contentType, List<Header> headers, byte[] body) {
    /** Copies. */
    public Answer {
      headers = List.copyOf(headers);
      body = body.clone();
    }
  }
}
