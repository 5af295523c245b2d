package dev.monetize.jaxrs;

import dev.monetize.keys.Redaction;
import dev.monetize.Monetize;
import dev.monetize.errors.ErrorCode;
import dev.monetize.http.PathTemplate;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import java.util.List;
import java.util.Optional;

/**
 * What the servlet adapter refuses before routing, refused here before Jersey matches a resource
 * (which ignores a trailing slash and answers {@code OPTIONS} itself, with the allowed methods,
 * unmetered and without a key): a monetized route written with a trailing slash ({@code 404} naming
 * the route), {@code OPTIONS} on a monetized or operator-only path ({@code 404}, as an unmatched
 * request), a method the catalog does not monetize on a monetized route ({@code 405} with the
 * catalog's methods in {@code Allow}), and several {@code Api-Version} headers ({@code 400}). (A malformed {@code %}-escape in
 * the query reaches the resource as the literal text: the runtimes read it so.)
 */
@PreMatching
final class EdgeFilter implements ContainerRequestFilter {
  private final Monetize monetize;
  /** The paths of {@link OperatorOnly} resources, as the feature found them. */
  private final List<PathTemplate> operatorOnly;

  EdgeFilter(Monetize monetize, List<PathTemplate> operatorOnly) {
    this.monetize = monetize;
    this.operatorOnly = operatorOnly;
  }

  /**
   * The request's path, still encoded, without matrix parameters ({@code /v1/stats/summary;x} is
   * {@code /v1/stats/summary}): the runtime matches resources without them, as servlet containers
   * leave path parameters out of the servlet path, so the checks here see the route the request takes.
   */
  static String pathOf(ContainerRequestContext request) {
    String raw = request.getUriInfo().getPath(false);
    if (raw.indexOf(';') < 0) {
      return "/" + raw;
    }
    StringBuilder path = new StringBuilder();
    for (String segment : raw.split("/", -1)) { // -1: a trailing slash stays, and is refused below
      int parameters = segment.indexOf(';');
      path.append('/').append(parameters < 0 ? segment : segment.substring(0, parameters));
    }
    return path.toString().replace("//", "/");
  }

  @Override
  public void filter(ContainerRequestContext request) {
    AdmissionFilter.leaveThread(); // what an asynchronous call left on this thread is not this request's
    String method = request.getMethod();
    String path = pathOf(request).replace("//", "/");
    if (request.getHeaders().getOrDefault("Api-Version", List.of()).size() > 1) {
      if (!served(path) || !Refusals.shielded(monetize, request, path)) {
        Refusals.abort(monetize, request, ErrorCode.BAD_REQUEST, "Send one Api-Version header, not several.");
      }
      return;
    }
    Optional<String> bare = path.length() > 1 && path.endsWith("/") ? monetize.routeWithoutTrailingSlash(method, path)
        : Optional.empty();
    if (bare.isPresent() && Refusals.shielded(monetize, request, path)) {
      return; // what Monetize serves: a refused address learns nothing about it
    }
    if (bare.isPresent()) {
      Refusals.abort(monetize, request, ErrorCode.NOT_FOUND, "No route for " + method + " " + Redaction.quoted(path) + "; the route is "
          + bare.get() + ", without the trailing slash.");
      return;
    }
    if (method.equals("OPTIONS") && served(path)) {
      if (!Refusals.shielded(monetize, request, path)) {
        Refusals.abort(monetize, request, ErrorCode.NOT_FOUND, "No route for OPTIONS " + Redaction.quoted(path) + ".");
      }
      return;
    }
    // a method the catalog does not monetize on its route, with or without a resource method for it: the
    // servlet adapter's 405, with the catalog's methods in Allow (the runtime's would add OPTIONS, leave out HEAD)
    Optional<String> allow = monetize.undeclaredMethod(method, path);
    if (allow.isPresent() && !Refusals.shielded(monetize, request, path)) {
      Refusals.abort(monetize, request, ErrorCode.METHOD_NOT_ALLOWED, method + " is not offered on " + Redaction.quoted(path) + "; use "
          + allow.get() + ".", "Allow", allow.get());
    }
  }

  /** Whether Monetize serves {@code path}: a monetized route (any method) or an operator-only resource. */
  private boolean served(String path) {
    return !monetize.methodsOn(path).isEmpty() || operatorOnly.stream().anyMatch(t -> t.matches(path));
  }
}
