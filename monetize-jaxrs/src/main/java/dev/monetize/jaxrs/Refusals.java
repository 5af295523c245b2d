package dev.monetize.jaxrs;

import dev.monetize.Monetize;
import dev.monetize.errors.ErrorCode;
import dev.monetize.errors.Problem;
import dev.monetize.errors.ProblemJson;
import dev.monetize.http.RequestIds;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

/** How the adapter's request filters refuse: problem JSON with its hint, never cached, with the request id. */
final class Refusals {
  private Refusals() {
  }

  /**
   * Aborts {@code request} with the shield's refusal of its client, if any: before a filter answers a
   * request to what Monetize serves itself (a version, a method, a body too large), so that a denied or
   * banned address learns nothing about the route. Nothing is charged; whether it aborted.
   */
  static boolean shielded(Monetize monetize, ContainerRequestContext request, String path) {
    String requestId = RequestIds.acceptOrCreate(request.getHeaderString(RequestIds.HEADER));
    java.util.Optional<dev.monetize.management.ManagementApi.Response> refusal = monetize.refuseByShield(
        dev.monetize.ApiRequest.of(request.getMethod(), path, monetize.clientAddress(PeerAddress.current(),
            request.getHeaderString("Forwarded"), request.getHeaderString("X-Forwarded-For")), requestId, null, null));
    refusal.ifPresent(r -> request.abortWith(of(r, requestId)));
    return refusal.isPresent();
  }

  /** Aborts {@code request} with {@code code}'s problem, its {@code detail}, and {@code extra} headers (name, value, ...). */
  static void abort(Monetize monetize, ContainerRequestContext request, ErrorCode code, String detail,
      String... extra) {
    String requestId = RequestIds.acceptOrCreate(request.getHeaderString(RequestIds.HEADER));
    Problem p = monetize.problem(code, detail, requestId).withHint(code.hint());
    Response.ResponseBuilder b = Response.status(code.status()).type(Problem.MEDIA_TYPE).entity(ProblemJson.toBytes(p))
        .header("Cache-Control", "no-store").header("X-Content-Type-Options", "nosniff")
        .header(RequestIds.HEADER, requestId);
    for (int i = 0; i + 1 < extra.length; i += 2) {
      b.header(extra[i], extra[i + 1]);
    }
    request.abortWith(b.build());
  }

  /** An answer of the engine's (a refusal, which holds nothing until sent) as a JAX-RS response, with the request id. */
  static Response of(dev.monetize.management.ManagementApi.Response answer, String requestId) {
    Response.ResponseBuilder b = Response.status(answer.status()).type(answer.contentType()).entity(answer.body())
        .header(RequestIds.HEADER, requestId);
    answer.headers().forEach(h -> b.header(h.name(), h.value()));
    return b.build();
  }
}
