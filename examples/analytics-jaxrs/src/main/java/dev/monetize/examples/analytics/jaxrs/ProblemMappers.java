package dev.monetize.examples.analytics.jaxrs;

import dev.monetize.Monetize;
import dev.monetize.errors.ErrorCode;
import dev.monetize.errors.Problem;
import dev.monetize.errors.ProblemJson;
import dev.monetize.examples.analytics.domain.BadInputException;
import dev.monetize.examples.analytics.StoreOutage;
import dev.monetize.examples.analytics.domain.StoreUnavailableException;
import dev.monetize.http.RequestIds;
import dev.monetize.jaxrs.MonetizeContext;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/**
 * Bad input (400), too-large bodies (413) and an unreachable event store (503) as the same problem
 * JSON the servlet example sends.
 */
final class ProblemMappers {
  private ProblemMappers() {}

  /** What every mapper holds: the engine its problems come from. */
  private abstract static class Mapper {
    final Monetize monetize;

    Mapper(Monetize monetize) {
      this.monetize = monetize;
    }
  }

  private static String requestId() {
    return MonetizeContext.current().map(MonetizeContext::requestId).orElseGet(() -> RequestIds.acceptOrCreate(null));
  }

  private static Response.ResponseBuilder send(Problem p) {
    return Response.status(p.status()).type(Problem.MEDIA_TYPE).entity(ProblemJson.toBytes(p));
  }

  private static Response problem(Monetize monetize, ErrorCode code, String detail, String hint) {
    return send(monetize.problem(code, detail, requestId()).withHint(hint)).build();
  }

  /** 400 bad_request, naming the field. */
  static final class BadInput extends Mapper implements ExceptionMapper<BadInputException> {
    BadInput(Monetize monetize) {
      super(monetize);
    }

    @Override
    public Response toResponse(BadInputException e) {
      return problem(monetize, ErrorCode.BAD_REQUEST, e.getMessage(), e.hint());
    }
  }

  /** 413 payload_too_large. */
  static final class TooLarge extends Mapper implements ExceptionMapper<AnalyticsResource.TooLargeException> {
    TooLarge(Monetize monetize) {
      super(monetize);
    }

    @Override
    public Response toResponse(AnalyticsResource.TooLargeException e) {
      return problem(monetize, ErrorCode.PAYLOAD_TOO_LARGE, "The body is larger than "
          + AnalyticsResource.MAX_BODY_BYTES + " bytes.", ErrorCode.PAYLOAD_TOO_LARGE.hint());
    }
  }

  /** 503 store_unavailable, with {@code Retry-After}. */
  static final class Unavailable extends Mapper implements ExceptionMapper<StoreUnavailableException> {
    Unavailable(Monetize monetize) {
      super(monetize);
    }

    @Override
    public Response toResponse(StoreUnavailableException e) {
      return send(StoreOutage.problem(monetize, e, requestId())).header("Retry-After", StoreOutage.RETRY_AFTER).build();
    }
  }
}
