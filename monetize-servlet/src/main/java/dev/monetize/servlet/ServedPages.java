package dev.monetize.servlet;

import dev.monetize.Monetize;
import dev.monetize.docs.ApiExplorer;
import dev.monetize.http.Header;
import dev.monetize.http.RequestIds;
import dev.monetize.management.ManagementApi;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * What the filter answers itself, beside the API it meters: the management API (and the dashboard
 * under it), the OpenAPI document and the interactive docs. Each is core's answer written as it is.
 */
final class ServedPages {
  private final Monetize monetize;

  ServedPages(Monetize monetize) {
    this.monetize = monetize;
  }

  /**
   * The management API: what core answers before the body is read (a declared body too large, no
   * route, no valid credential), else read the body (bounded), hand the request to core, write its
   * answer. A body the client stops sending is answered {@code 400}, not with the container's page.
   */
  void management(HttpServletRequest request, HttpServletResponse response, String path, String clientAddress)
      throws IOException {
    String requestId = RequestIds.acceptOrCreate(request.getHeader(RequestIds.HEADER));
    ManagementApi.Request call = ManagementApi.Request.withRawQuery(
        request.getMethod(), path, request.getQueryString(), Optional.ofNullable(request.getHeader("Authorization")),
        Optional.ofNullable(request.getHeader("X-API-Key")), new byte[0], clientAddress, requestId)
        .withUserAgent(request.getHeader("User-Agent"))
        .withIdempotencyKey(joined(request, "Idempotency-Key", ", ")) // two are no key: refused
        .withBrowser(ManagementApi.Browser.of(joined(request, "Cookie", "; "), // HTTP/2 may send one per cookie
            request.getHeader(ManagementApi.Browser.MARKER), request.getHeader("Sec-Fetch-Site"),
            monetize.secureRequest(request.isSecure(), request.getRemoteAddr(), joined(request, "Forwarded", ", "),
                joined(request, "X-Forwarded-Proto", ", ")), request.getContextPath()));
    Optional<ManagementApi.Response> early = monetize.managementApi().answerBeforeBody(call,
        request.getContentLengthLong());
    ManagementApi.Response answer;
    if (early.isPresent() || !takesBody(request.getMethod())) { // a GET, HEAD or DELETE has no body to read
      answer = early.isPresent() ? early.get() : monetize.managementApi().handle(call);
      try {
        MonetizeFilter.closeIfBodyUnread(request, response); // what it announced stays unread
      } catch (RuntimeException e) {
        answer.sent();
        throw e;
      }
    } else {
      byte[] body;
      try {
        body = request.getInputStream().readNBytes(ManagementApi.MAX_BODY_BYTES + 1);
      } catch (IOException | RuntimeException e) { // the client stopped sending what it announced, or sent it too slowly
        if (e instanceof RuntimeException r && !dev.monetize.http.UnreadBody.fromTheClient(r)) {
          throw r; // a failure of the container: not the client's to be told 400
        }
        response.setHeader("Connection", "close");
        response.setHeader(RequestIds.HEADER, requestId);
        ServletProblems.send(response, monetize.problem(dev.monetize.http.UnreadBody.code(e),
            dev.monetize.http.UnreadBody.detail(e), requestId));
        return;
      }
      answer = monetize.managementApi().handle(call.withBody(body));
    }
    try {
      write(request, response, requestId, answer.status(), answer.contentType(), answer.headers(), answer.body());
    } finally {
      answer.sent(); // the last byte is out, or never will be: what the answer held (an export's slot) goes
    }
  }

  /** Whether a management request of {@code method} has a body to read: POST, PUT and PATCH do. */
  static boolean takesBody(String method) {
    return "POST".equals(method) || "PUT".equals(method) || "PATCH".equals(method);
  }

  /**
   * Answers a {@code GET} or {@code HEAD} of a page the deployment publishes (the OpenAPI document, the
   * API explorer and its files), or the refusal of its client; whether {@code path} is such a page.
   */
  boolean published(HttpServletRequest request, HttpServletResponse response, String path,
      java.util.function.Function<HttpServletRequest, String> clientAddress) throws IOException {
    if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
      return false;
    }
    if (path.equals(MonetizeFilter.OPENAPI_JSON) || path.equals(MonetizeFilter.OPENAPI_YAML)) {
      if (!refusedPublished(request, response, clientAddress.apply(request))) {
        openApi(request, response, path);
      }
      return true;
    }
    Optional<ApiExplorer.Answer> docs = path.startsWith(ApiExplorer.PATH) ? ApiExplorer.answer(path) : Optional.empty();
    if (docs.isEmpty()) {
      return false; // no such page: routed as any other path
    }
    if (!refusedPublished(request, response, clientAddress.apply(request))) {
      explorer(request, response, docs.get());
    }
    return true;
  }

  /**
   * Whether a published page is refused to the client, refused here: the shield's answer, or
   * {@code 429} past the address's budget ({@link ManagementApi#refusePublishedPage}).
   */
  private boolean refusedPublished(HttpServletRequest request, HttpServletResponse response, String clientAddress)
      throws IOException {
    String requestId = RequestIds.acceptOrCreate(request.getHeader(RequestIds.HEADER));
    Optional<ManagementApi.Response> refusal = monetize.managementApi().refusePublishedPage(clientAddress, requestId);
    if (refusal.isEmpty()) {
      return false;
    }
    write(request, response, requestId, refusal.get());
    return true;
  }

  /** Writes an answer of the engine's (a refusal: nothing it holds until sent). */
  static void write(HttpServletRequest request, HttpServletResponse response, String requestId,
      ManagementApi.Response answer) throws IOException {
    write(request, response, requestId, answer.status(), answer.contentType(), answer.headers(), answer.body());
  }

  /** The OpenAPI document generated from the catalog, when the deployment publishes it. */
  private void openApi(HttpServletRequest request, HttpServletResponse response, String path) throws IOException {
    boolean json = path.equals(MonetizeFilter.OPENAPI_JSON);
    byte[] body = (json ? monetize.openApiJson() : monetize.openApiYaml()).getBytes(StandardCharsets.UTF_8);
    write(request, response, RequestIds.acceptOrCreate(request.getHeader(RequestIds.HEADER)), 200,
        json ? "application/json" : "application/yaml",
        List.of(new Header("Cache-Control", "public, max-age=300")), body); // the same until the service restarts
  }

  /** The interactive API docs (Swagger UI), when the deployment publishes its docs. */
  private static void explorer(HttpServletRequest request, HttpServletResponse response, ApiExplorer.Answer answer)
      throws IOException {
    write(request, response, RequestIds.acceptOrCreate(request.getHeader(RequestIds.HEADER)), answer.status(),
        answer.contentType(), answer.headers(), answer.body());
  }

  private static void write(HttpServletRequest request, HttpServletResponse response, String requestId, int status,
      String contentType, List<Header> headers, byte[] body) throws IOException {
    response.setStatus(status);
    response.setHeader(RequestIds.HEADER, requestId);
    for (Header h : headers) {
      response.setHeader(h.name(), h.value());
    }
    response.setContentType(contentType);
    response.setContentLength(body.length);
    if (!"HEAD".equals(request.getMethod())) {
      response.getOutputStream().write(body);
    }
  }

  /**
   * Every line of a header, joined in order with {@code separator}, or null without any: a proxy
   * may add its own line after the client's, and only the whole list read from the right is the
   * truth (the first line alone would be the client's).
   */
  static String joined(HttpServletRequest request, String name, String separator) {
    java.util.Enumeration<String> lines = request.getHeaders(name);
    if (lines == null || !lines.hasMoreElements()) {
      return null;
    }
    String first = lines.nextElement();
    if (!lines.hasMoreElements()) {
      return first;
    }
    StringBuilder all = new StringBuilder(first);
    while (lines.hasMoreElements()) {
      all.append(separator).append(lines.nextElement());
    }
    return all.toString();
  }
}
