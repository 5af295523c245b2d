package dev.monetize.jaxrs;

import dev.monetize.Monetize;
import dev.monetize.errors.ErrorCode;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import java.util.Optional;

/**
 * Bound to a resource method the catalog does not monetize on a monetized path (a {@code POST}
 * beside a monetized {@code GET}): answers {@code 405} with {@code Allow}, so the method is never
 * served unmetered ({@code MonetizeBuilder.undeclaredMethods}).
 */
final class UndeclaredMethodFilter implements ContainerRequestFilter {
  private final Monetize monetize;

  UndeclaredMethodFilter(Monetize monetize) {
    this.monetize = monetize;
  }

  @Override
  public void filter(ContainerRequestContext request) {
    String path = ("/" + request.getUriInfo().getPath(false)).replace("//", "/");
    Optional<String> allow = monetize.undeclaredMethod(request.getMethod(), path);
    if (allow.isEmpty()) {
      return; // this request's path is no monetized route: the method serves it as the application wrote it
    }
    Refusals.abort(monetize, request, ErrorCode.METHOD_NOT_ALLOWED, request.getMethod()
        + " is not offered on this path; use " + allow.get() + ".", "Allow", allow.get());
  }
}
