package dev.monetize.servlet;

import dev.monetize.keys.Redaction;
import dev.monetize.ApiRequest;
import dev.monetize.Monetize;
import dev.monetize.errors.ErrorCode;
import dev.monetize.http.RequestIds;
import dev.monetize.management.ManagementApi;
import dev.monetize.plans.Operation;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Function;

/**
 * What {@link MonetizeFilter} answers itself before it admits a request: the route it takes (by
 * method, path and {@code Api-Version}), and the refusals that need no credential (a version or a
 * method the route does not offer, a trailing slash, a body declared too large or sent in a way the
 * container would read past our count, repeated headers, a broken escape). On a monetized route the
 * shield answers first: a denied or banned address learns nothing about the route.
 */
final class RouteGate {
  private final Monetize monetize;
  private final UnmatchedRoutes unmatched;
  private final ServedPages pages;
  private final Function<HttpServletRequest, String> clientAddress;

  RouteGate(Monetize monetize, UnmatchedRoutes unmatched, ServedPages pages,
      Function<HttpServletRequest, String> clientAddress) {
    this.monetize = monetize;
    this.unmatched = unmatched;
    this.pages = pages;
    this.clientAddress = clientAddress;
  }

  /**
   * The operation {@code request} is to be admitted to; empty when it was answered here (a refusal,
   * a published page) or passed on down {@code chain} (an unmatched route with
   * {@link UnmatchedRoutes#PASS_THROUGH}).
   */
  Optional<Operation> operation(HttpServletRequest request, HttpServletResponse response, String path,
      FilterChain chain) throws IOException, ServletException {
    String apiVersion = request.getHeader("Api-Version");
    if (apiVersion != null && java.util.Collections.list(request.getHeaders("Api-Version")).size() > 1) {
      if (monetize.methodsOn(path).isEmpty() || !shielded(request, response, path)) {
        refuse(request, response, ErrorCode.BAD_REQUEST, "Send one Api-Version header, not several.");
      }
      return Optional.empty();
    }
    Optional<Operation> operation = monetize.route(request.getMethod(), path, apiVersion);
    if (operation.isEmpty() && apiVersion != null && !monetize.versionsOn(request.getMethod(), path).isEmpty()) {
      if (!shielded(request, response, path)) {
        refuse(request, response, ErrorCode.BAD_REQUEST, unoffered(apiVersion, request.getMethod() + " " + path,
            monetize.versionsOn(request.getMethod(), path)));
      }
      return Optional.empty();
    }
    if (operation.isEmpty() && monetize.publishesDocs() && pages.published(request, response, path, clientAddress)) {
      return Optional.empty(); // the OpenAPI document or the API explorer, published to anyone
    }
    if (operation.isEmpty()) {
      // only a path with a trailing slash can be a route but for it; only then is it looked up again
      Optional<String> bare = path.endsWith("/") ? monetize.routeWithoutTrailingSlash(request.getMethod(), path)
          : Optional.empty();
      Optional<String> allow = bare.isPresent() ? Optional.empty() : monetize.undeclaredMethod(request.getMethod(), path);
      if ((bare.isPresent() || allow.isPresent()) && shielded(request, response, path)) {
        return Optional.empty(); // a monetized route: a refused address learns nothing about it
      }
      if (bare.isPresent()) {
        refuse(request, response, ErrorCode.NOT_FOUND, "No route for " + request.getMethod() + " " + Redaction.quoted(path)
            + "; the route is " + bare.get() + ", without the trailing slash.");
      } else if (allow.isPresent()) {
        response.setHeader("Allow", allow.get());
        refuse(request, response, ErrorCode.METHOD_NOT_ALLOWED, request.getMethod() + " is not offered on " + Redaction.quoted(path)
            + "; use " + allow.get() + ".");
      } else if (unmatched == UnmatchedRoutes.PASS_THROUGH) {
        chain.doFilter(request, response);
      } else {
        refuse(request, response, ErrorCode.NOT_FOUND, "No route for " + request.getMethod() + " " + Redaction.quoted(path) + ".");
      }
      return Optional.empty();
    }
    long maxBody = operation.get().maxBodyBytes();
    if (request.getContentLengthLong() > maxBody) { // declared too large: refused before anything is read
      if (!shielded(request, response, path)) {
        refuse(request, response, ErrorCode.PAYLOAD_TOO_LARGE, dev.monetize.http.BodyTooLargeException.detail(maxBody));
      }
      return Optional.empty();
    }
    if (request.getContentLengthLong() < 0 && request.getHeader("Transfer-Encoding") != null
        && containerParsed(request.getContentType())) { // the container would read it past our count
      if (!shielded(request, response, path)) {
        refuse(request, response, ErrorCode.LENGTH_REQUIRED, "Send form and multipart bodies with a Content-Length.");
      }
      return Optional.empty();
    }
    if (refusedForRepeatedCredential(request, response)) {
      return Optional.empty();
    }
    if (!dev.monetize.http.QueryStrings.wellEscaped(request.getQueryString())) { // Tomcat would drop the parameter
      if (!shielded(request, response, path)) {
        refuse(request, response, ErrorCode.BAD_REQUEST, dev.monetize.http.QueryStrings.MALFORMED);
      }
      return Optional.empty();
    }
    return operation;
  }

  /** Why an {@code Api-Version} header chose no version of {@code route}, and what it takes. */
  static String unoffered(String apiVersion, String route, java.util.Collection<String> versions) {
    String v = apiVersion.strip();
    if (v.isEmpty()) {
      return "Api-Version is empty; send one of " + versions + ", or no Api-Version for the current one.";
    }
    if (v.contains(",")) {
      return "Send one Api-Version, not a list; " + route + " offers " + versions + ".";
    }
    String shown = v.matches("[A-Za-z0-9._-]{1,32}") ? "'" + v + "'" : "of " + v.length() + " characters, not a version,";
    return "Api-Version " + shown + " is not offered on " + route + "; versions: " + versions + ".";
  }

  /** Whether the container parses bodies of this type itself (form parameters, parts). */
  private static boolean containerParsed(String contentType) {
    if (contentType == null) {
      return false;
    }
    String t = contentType.toLowerCase(java.util.Locale.ROOT);
    return t.startsWith("application/x-www-form-urlencoded") || t.startsWith("multipart/");
  }

  void refuse(HttpServletRequest request, HttpServletResponse response, ErrorCode code, String detail)
      throws IOException {
    String id = RequestIds.acceptOrCreate(request.getHeader(RequestIds.HEADER));
    response.setHeader(RequestIds.HEADER, id);
    MonetizeFilter.closeIfBodyUnread(request, response);
    ServletProblems.send(response, monetize.problem(code, detail, id));
  }

  /**
   * Refuses a request that sends {@code Authorization} or {@code X-API-Key} more than once
   * ({@code 400}): the engine reads the first, and a proxy that reads another would see another caller.
   */
  boolean refusedForRepeatedCredential(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    for (String name : CREDENTIAL_HEADERS) {
      java.util.Enumeration<String> lines = request.getHeaders(name);
      if (lines != null && lines.hasMoreElements()) {
        lines.nextElement();
        if (lines.hasMoreElements()) {
          if (!shielded(request, response, MonetizeFilter.pathOf(request))) {
            refuse(request, response, ErrorCode.BAD_REQUEST, "Send one " + name + " header, not several (a proxy "
                + "that reads another of them would see another caller).");
          }
          return true;
        }
      }
    }
    return false;
  }

  private static final String[] CREDENTIAL_HEADERS = {"Authorization", "X-API-Key"};

  /**
   * Answers the shield's refusal of the client, if any, before the filter answers a request to what
   * Monetize serves itself (a version, a method, a body too large): a denied or banned address learns
   * nothing about the route. Only on those refusals: an admitted request meets the shield once, in
   * the engine.
   */
  private boolean shielded(HttpServletRequest request, HttpServletResponse response, String path) throws IOException {
    String requestId = RequestIds.acceptOrCreate(request.getHeader(RequestIds.HEADER));
    Optional<ManagementApi.Response> refusal = monetize.refuseByShield(ApiRequest.of(request.getMethod(), path,
        clientAddress.apply(request), requestId, null, null));
    if (refusal.isEmpty()) {
      return false;
    }
    MonetizeFilter.closeIfBodyUnread(request, response);
    ServedPages.write(request, response, requestId, refusal.get());
    return true;
  }
}
