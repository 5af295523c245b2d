package dev.monetize.jaxrs;

import dev.monetize.ApiRequest;
import dev.monetize.Monetize;
import dev.monetize.errors.ErrorCode;
import dev.monetize.http.RequestIds;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;

/** Bound to {@link OperatorOnly} methods: lets the operator's credential through, refuses any other. */
final class OperatorOnlyFilter implements ContainerRequestFilter {
  private final Monetize monetize;

  OperatorOnlyFilter(Monetize monetize) {
    this.monetize = monetize;
  }

  @Override
  public void filter(ContainerRequestContext request) {
    String path = ("/" + request.getUriInfo().getPath(false)).replace("//", "/");
    String requestId = RequestIds.acceptOrCreate(request.getHeaderString(RequestIds.HEADER));
    String repeated = AdmissionFilter.repeatedCredential(request.getHeaders());
    if (repeated != null) {
      if (!Refusals.shielded(monetize, request, path)) {
        Refusals.abort(monetize, request, ErrorCode.BAD_REQUEST, AdmissionFilter.repeatedDetail(repeated));
      }
      return;
    }
    monetize.refuseUnlessOperator(ApiRequest.of(request.getMethod(), path,
        monetize.clientAddress(PeerAddress.current(), request.getHeaderString("Forwarded"),
            request.getHeaderString("X-Forwarded-For")),
        requestId, request.getHeaderString("Authorization"), request.getHeaderString("X-API-Key")))
        .ifPresent(answer -> request.abortWith(Refusals.of(answer, requestId)));
  }
}
