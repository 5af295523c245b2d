package dev.monetize.management;

import dev.monetize.http.Header;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The management API, framework-free: adapters hand it the method, path, query, credential and
 * body of a request under the management prefix and write back what it returns. JSON in and out
 * (snake_case), errors as problem details.
 *
 * <p>Who may do what is decided in one place: every route is a row of {@link ManagementOperation}
 * (the permission it needs and the rule for its target), and every handler asks {@link Authority}
 * before it acts. The operator holds the reserved scope {@code monetize:admin} literally (no
 * wildcard grants it); an organization's administrator holds {@code keys:write} and acts on its own
 * organization only (anything of another organization is {@code 404}, never {@code 403}). Tokens
 * never create, rotate or revoke keys or mint tokens, whatever header carries them. Every call is
 * charged to the calling key and its organization ({@link ManagementLimits}), calls without a valid
 * credential to their client address; creation is capped in count. Responses never contain hashes;
 * secrets only in the create and rotate answers.
 *
 * <pre>{@code
 * ManagementApi.Response r = monetize.managementApi().handle(new ManagementApi.Request("GET",
 *     "/monetize/usage", Map.of(), Optional.of("Bearer " + key), Optional.empty(), new byte[0], peer, requestId));
 * }</pre>
 */
public interface ManagementApi {
  /** The scope of the operator. Reserved: never granted by a wildcard. */
  String OPERATOR_SCOPE = "monetize:admin";
  /** The scope of an organization's own administrator. */
  String ADMIN_SCOPE = "keys:write";
  /** Largest request body accepted. */
  int MAX_BODY_BYTES = 64 * 1024;

  /** Whether {@code path} belongs to the management API. */
  boolean handles(String path);

  /** Answers one request. Never throws for any input. */
  Response handle(Request request);

  /**
   * The answer to a request that is refused whatever its body, before the adapter reads the body: a
   * declared body larger than {@link #MAX_BODY_BYTES} ({@code 413}), no such management route
   * ({@code 404}, {@code 405}), or a route that needs a credential and a credential (or its absence)
   * that does not authenticate ({@code 401}). Empty when the body is to be read and the request handed
   * to {@link #handle}. Adapters ask it first, so that a client without a credential never holds a
   * server thread waiting for a body it announced. The answer is {@link #handle}'s own, charged and
   * audited once. Never throws for any input.
   *
   * @param request the request without its body (an empty one)
   * @param declaredLength the body's declared length ({@code Content-Length}), -1 when none was declared
   */
  java.util.Optional<Response> answerBeforeBody(Request request, long declaredLength);

  /**
   * The refusal of a page the deployment publishes to anyone outside this API (the OpenAPI document,
   * the API explorer and its files), as this API refuses its own published pages: the shield's
   * refusal of {@code clientAddress} (a denied network, a ban, a flood), or {@code 429 rate_limited}
   * past the address's budget of calls without a key, which those pages share with the price list
   * and the dashboard's files ({@link ManagementLimits#perKey}). Empty: serve the page; also when the
   * client address is unknown (empty: an adapter that cannot tell clients apart would otherwise charge
   * everyone to one budget). Adapters ask it before serving one. Never throws. The default refuses
   * nothing (an implementation of this API that serves no such page).
   */
  default java.util.Optional<Response> refusePublishedPage(String clientAddress, String requestId) {
    return java.util.Optional.empty();
  }

  /** The limits this API charges. */
  ManagementLimits limits();

  /**
   * One request to the management API.
   *
   * @param method HTTP method
   * @param path the path inside the application, starting with the prefix
   * @param query decoded query parameters
   * @param authorization the {@code Authorization} header, if any
   * @param apiKey the {@code X-API-Key} header, if any
   * @param body the request body (at most {@link #MAX_BODY_BYTES})
   * @param remoteAddress client address
   * @param requestId the request id
   * @param queryError why the raw query string could not be read (a malformed escape, a parameter
   *     given twice): the request is refused with it, {@code 400 bad_request}
   * @param userAgent the {@code User-Agent} header (for the audit trail), empty when none
   * @param browser what a browser sent for the dashboard: its session cookie and request marker
   * @param idempotencyKey the {@code Idempotency-Key} header, if any: a wallet entry's id when the body
   *     names none, so that a retried top-up moves money once
   */
  record Request(String method, String path, Map<String, String> query, Optional<String> authorization,
      Optional<String> apiKey, byte[] body, String remoteAddress, String requestId, Optional<String> queryError,
      String userAgent, Browser browser, Optional<String> idempotencyKey) {
    /** Copies. */
    public Request {
      query = Map.copyOf(query);
      body = body.clone();
      java.util.Objects.requireNonNull(queryError, "queryError");
      java.util.Objects.requireNonNull(userAgent, "userAgent");
      java.util.Objects.requireNonNull(browser, "browser");
      java.util.Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    }

    /** A request without an {@code Idempotency-Key}. */
    public Request(String method, String path, Map<String, String> query, Optional<String> authorization,
        Optional<String> apiKey, byte[] body, String remoteAddress, String requestId, Optional<String> queryError,
        String userAgent, Browser browser) {
      this(method, path, query, authorization, apiKey, body, remoteAddress, requestId, queryError, userAgent, browser,
          Optional.empty());
    }

    /** The same request with its {@code Idempotency-Key} header ({@code null}: not sent). */
    public Request withIdempotencyKey(String keyOrNull) {
      return new Request(method, path, query, authorization, apiKey, body, remoteAddress, requestId, queryError,
          userAgent, browser, Optional.ofNullable(keyOrNull));
    }

    /** A request without browser state. */
    public Request(String method, String path, Map<String, String> query, Optional<String> authorization,
        Optional<String> apiKey, byte[] body, String remoteAddress, String requestId, Optional<String> queryError,
        String userAgent) {
      this(method, path, query, authorization, apiKey, body, remoteAddress, requestId, queryError, userAgent,
          Browser.NONE);
    }

    /** The same request with what a browser sent for the dashboard ({@link Browser#of}). */
    public Request withBrowser(Browser b) {
      return new Request(method, path, query, authorization, apiKey, body, remoteAddress, requestId, queryError,
          userAgent, b, idempotencyKey);
    }

    /** The same request with its body, read once {@link ManagementApi#answerBeforeBody} left it to {@link #handle}. */
    public Request withBody(byte[] read) {
      return new Request(method, path, query, authorization, apiKey, read, remoteAddress, requestId, queryError,
          userAgent, browser, idempotencyKey);
    }

    /** A request with no user agent. */
    public Request(String method, String path, Map<String, String> query, Optional<String> authorization,
        Optional<String> apiKey, byte[] body, String remoteAddress, String requestId, Optional<String> queryError) {
      this(method, path, query, authorization, apiKey, body, remoteAddress, requestId, queryError, "");
    }

    /** The same request with its {@code User-Agent} header ({@code null}: not sent). */
    public Request withUserAgent(String userAgentOrNull) {
      return new Request(method, path, query, authorization, apiKey, body, remoteAddress, requestId, queryError,
          userAgentOrNull == null ? "" : userAgentOrNull, browser, idempotencyKey);
    }

    /** A request whose query was read without error. */
    public Request(String method, String path, Map<String, String> query, Optional<String> authorization,
        Optional<String> apiKey, byte[] body, String remoteAddress, String requestId) {
      this(method, path, query, authorization, apiKey, body, remoteAddress, requestId, Optional.empty());
    }

    /**
     * A request with its query string as sent ({@code rawQuery}, percent-encoded, or null): every
     * adapter reads it the same way. A malformed escape or a parameter given twice is not dropped or
     * picked from (a proxy reading the other value would see another request): the request is
     * refused naming it.
     */
    public static Request withRawQuery(String method, String path, String rawQuery, Optional<String> authorization,
        Optional<String> apiKey, byte[] body, String remoteAddress, String requestId) {
      Map<String, String> query = new java.util.HashMap<>();
      Optional<String> error = Optional.empty();
      if (rawQuery != null && !rawQuery.isEmpty()) {
        for (String pair : rawQuery.split("&", -1)) {
          if (pair.isEmpty()) {
            continue; // "?a=1&" or "?&a=1": no parameter there
          }
          int eq = pair.indexOf('=');
          String name;
          String value;
          try {
            name = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8);
            value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
          } catch (IllegalArgumentException e) {
            error = Optional.of("The query string has a malformed percent-escape.");
            break;
          }
          if (query.putIfAbsent(name, value) != null) {
            error = Optional.of("Query parameter '" + (name.length() > 64 ? name.substring(0, 64) + "..." : name)
                + "' is given twice.");
            break;
          }
        }
      }
      return new Request(method, path, error.isPresent() ? Map.of() : query, authorization, apiKey, body,
          remoteAddress, requestId, error);
    }
  }

  /**
   * What a browser sent for the dashboard besides a credential.
   *
   * @param session the {@code monetize_session} cookie's value, if sent exactly once (two cookies of
   *     that name, one planted by a sibling site with a longer path, count as none)
   * @param marked whether the request is the dashboard's own: it carries the {@value #MARKER}
   *     header, which a page of another site cannot send without the service's consent (CORS), and
   *     its {@code Sec-Fetch-Site}, when the browser sends one, is {@code same-origin}; a session
   *     works for a request that changes something only then
   * @param secure whether the request came over HTTPS (the cookie is then {@code Secure})
   * @param contextPath the application's context path ({@code ""} at the root): the cookie's path
   *     starts with it
   */
  record Browser(Optional<String> session, boolean marked, boolean secure, String contextPath) {
    /** The header the dashboard's own scripts send with every request. */
    public static final String MARKER = "X-Monetize-Dashboard";
    /** No browser state. */
    public static final Browser NONE = new Browser(Optional.empty(), false, false, "");

    /** Checks. */
    public Browser {
      java.util.Objects.requireNonNull(session, "session");
      java.util.Objects.requireNonNull(contextPath, "contextPath");
    }

    /**
     * What the headers say: {@code Cookie} (every one, joined), the {@value #MARKER} header,
     * {@code Sec-Fetch-Site} (null: not sent), whether the request came over HTTPS and the context path.
     */
    public static Browser of(String cookieHeaderOrNull, String markerOrNull, String fetchSiteOrNull, boolean secure,
        String contextPath) {
      Optional<String> session = Optional.empty();
      int seen = 0;
      if (cookieHeaderOrNull != null) {
        for (String pair : cookieHeaderOrNull.split(";")) {
          int eq = pair.indexOf('=');
          if (eq > 0 && pair.substring(0, eq).trim().equals("monetize_session")) {
            seen++;
            String value = pair.substring(eq + 1).trim();
            session = value.isEmpty() || value.length() > 128 ? Optional.empty() : Optional.of(value);
          }
        }
      }
      boolean sameOrigin = fetchSiteOrNull == null || fetchSiteOrNull.trim().equals("same-origin");
      // a request another site made (a sibling subdomain is "same-site", and SameSite cookies go with it) never
      // counts the cookie, whatever its method: a page elsewhere cannot spend a session's budget or read through it
      String site = fetchSiteOrNull == null ? "" : fetchSiteOrNull.trim();
      // allowed: not sent (not a browser, or an old one), this origin, or the user's own doing (typed, bookmarked)
      boolean elsewhere = !(site.isEmpty() || site.equals("same-origin") || site.equals("none"));
      return new Browser(seen == 1 && !elsewhere ? session : Optional.empty(), markerOrNull != null && sameOrigin,
          secure, contextPath == null ? "" : contextPath);
    }
  }

  /**
   * The answer. An answer may hold memory the service counts until it is written (an audit export
   * holds its slot): the adapter calls {@link #sent()} once it wrote the body, or gave up writing it.
   * An answer never {@link #sent()} lets go of what it holds when it is garbage collected, later.
   *
   * <pre>{@code
   * ManagementApi.Response r = monetize.managementApi().handle(call);
   * try { write(r.status(), r.contentType(), r.headers(), r.body()); }
   * finally { r.sent(); }
   * }</pre>
   */
  final class Response {
    private static final java.lang.ref.Cleaner CLEANER = java.lang.ref.Cleaner.create();
    private static final Runnable NOTHING = () -> {};

    private final int status;
    private final String contentType;
    private final List<Header> headers;
    private final byte[] body;
    /** What {@link #sent()} lets go of: nothing, or a cleanable that runs once whoever calls it first. */
    private final Runnable release;

    /**
     * An answer that holds nothing.
     *
     * @param status HTTP status
     * @param contentType {@code application/json} or {@code application/problem+json}
     * @param headers further headers (Allow, Retry-After, WWW-Authenticate, Cache-Control, RateLimit)
     * @param body the body (copied)
     */
    public Response(int status, String contentType, List<Header> headers, byte[] body) {
      this(status, contentType, headers, body.clone(), null);
    }

    private Response(int status, String contentType, List<Header> headers, byte[] body, Runnable whenSent) {
      this.status = status;
      this.contentType = java.util.Objects.requireNonNull(contentType, "contentType");
      this.headers = List.copyOf(headers);
      this.body = body;
      this.release = whenSent == null ? NOTHING : CLEANER.register(this, whenSent)::clean;
    }

    /**
     * An answer whose body is handed over (not copied) and which holds what {@code whenSent} lets go
     * of, until {@link #sent()} or its garbage collection, whichever comes first; {@code whenSent} runs
     * once and must not refer to the answer.
     */
    public static Response holding(int status, String contentType, List<Header> headers, byte[] body,
        Runnable whenSent) {
      return new Response(status, contentType, headers, body, java.util.Objects.requireNonNull(whenSent, "whenSent"));
    }

    /** The HTTP status. */
    public int status() {
      return status;
    }

    /** The {@code Content-Type}. */
    public String contentType() {
      return contentType;
    }

    /** Further headers. */
    public List<Header> headers() {
      return headers;
    }

    /** The body: the answer's own array, not to be changed. */
    public byte[] body() {
      return body;
    }

    /** Whether the answer holds something until {@link #sent()} (adapters that write later need to know). */
    public boolean holdsUntilSent() {
      return release != NOTHING;
    }

    /** The body is written (or will never be): what the answer held is let go of. Idempotent. */
    public void sent() {
      release.run();
    }

    @Override
    public String toString() {
      return "Response[" + status + ", " + contentType + ", " + body.length + " bytes]";
    }
  }
}
