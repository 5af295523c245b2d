package dev.monetize.jaxrs;

import dev.monetize.Monetize;
import dev.monetize.errors.ErrorCode;
import dev.monetize.errors.Problem;
import dev.monetize.errors.ProblemJson;
import dev.monetize.http.RequestIds;
import dev.monetize.keys.Redaction;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers an exception that escapes a resource like every other error: {@code 500 internal} as
 * problem JSON with the request id, never the exception's message or class (RESTEasy's default
 * page shows the message). {@link WebApplicationException}s keep their own response, except the
 * runtime's bodiless refusals (400, 404, 405, 406, 413, 415), which become problems too. A body that went past
 * the operation's limit is {@code 413 payload_too_large}, however the resource wrapped it. The exception
 * is logged with keys and tokens redacted. Register it beside {@link MonetizeFeature}:
 *
 * <pre>{@code
 * config.register(new MonetizeFeature(monetize)).register(new MonetizeExceptionMapper(monetize));
 * }</pre>
 */
public final class MonetizeExceptionMapper implements ExceptionMapper<Throwable> {
  private static final Logger LOG = LoggerFactory.getLogger(MonetizeExceptionMapper.class);
  /** Refusals the JAX-RS runtime answers by itself, by status, and the code they get. */
  private static final java.util.Map<Integer, ErrorCode> RUNTIME_REFUSALS = java.util.Map.of(
      400, ErrorCode.BAD_REQUEST, 404, ErrorCode.NOT_FOUND, 405, ErrorCode.METHOD_NOT_ALLOWED,
      406, ErrorCode.NOT_ACCEPTABLE, 413, ErrorCode.PAYLOAD_TOO_LARGE, 415, ErrorCode.UNSUPPORTED_MEDIA_TYPE);
  private final Monetize monetize;

  /** Renders problems with {@code monetize}'s docs base. */
  public MonetizeExceptionMapper(Monetize monetize) {
    this.monetize = Objects.requireNonNull(monetize, "monetize");
  }

  @Override
  public Response toResponse(Throwable e) {
    java.util.Optional<dev.monetize.http.BodyTooLargeException> tooLarge = dev.monetize.http.BodyTooLargeException.in(e);
    if (tooLarge.isPresent()) { // the body went past the operation's limit while it was read: the caller's mistake
      String requestId = MonetizeContext.current().map(MonetizeContext::requestId)
          .orElseGet(() -> RequestIds.acceptOrCreate(null));
      Problem p = monetize.problem(ErrorCode.PAYLOAD_TOO_LARGE,
          dev.monetize.http.BodyTooLargeException.detail(tooLarge.get().limit()), requestId)
          .withHint(ErrorCode.PAYLOAD_TOO_LARGE.hint());
      return Response.status(413).type("application/problem+json").header("Connection", "close")
          .header("Cache-Control", "no-store")
          .header("X-Content-Type-Options", "nosniff").entity(ProblemJson.toBytes(p)).build();
    }
    java.util.Optional<Throwable> unread = MonetizeContext.current().flatMap(MonetizeContext::bodyFailure);
    if (unread.isPresent()) { // the body stopped coming, or came too slowly: the caller's doing, not the endpoint's
      String requestId = MonetizeContext.current().orElseThrow().requestId();
      Problem p = monetize.problem(dev.monetize.http.UnreadBody.code(unread.get()),
          dev.monetize.http.UnreadBody.detail(unread.get()), requestId);
      return Response.status(p.status()).type("application/problem+json").header("Connection", "close")
          .header("Cache-Control", "no-store").header("X-Content-Type-Options", "nosniff")
          .header(RequestIds.HEADER, requestId).entity(ProblemJson.toBytes(p)).build();
    }
    if (e instanceof WebApplicationException w) {
      Response r = w.getResponse();
      ErrorCode code = r.hasEntity() ? null : RUNTIME_REFUSALS.get(r.getStatus());
      if (code == null) {
        return r; // the application's own answer
      }
      // the runtime's own refusal (no route, wrong method...): a problem like every other one
      String requestId = MonetizeContext.current().map(MonetizeContext::requestId)
          .orElseGet(() -> RequestIds.acceptOrCreate(null));
      String detail = e instanceof UnreadableBodies.Unreadable u ? u.detail()
          : code == ErrorCode.METHOD_NOT_ALLOWED ? "Use one of the methods in Allow." : code.title() + ".";
      Problem p = monetize.problem(code, detail, requestId).withHint(code.hint());
      Response.ResponseBuilder b = Response.status(r.getStatus()).type("application/problem+json")
          .entity(ProblemJson.toBytes(p)).header("Cache-Control", "no-store")
          .header("X-Content-Type-Options", "nosniff").header(RequestIds.HEADER, requestId);
      if (r.getHeaderString("Allow") != null) {
        b.header("Allow", r.getHeaderString("Allow"));
      }
      return b.build();
    }
    String requestId = MonetizeContext.current().map(MonetizeContext::requestId)
        .orElseGet(() -> RequestIds.acceptOrCreate(null));
    LOG.error("request {} failed in the application", requestId, Redaction.redact(e));
    Problem p = monetize.problem(ErrorCode.INTERNAL, "The service failed to answer this request.", requestId)
        .withHint(ErrorCode.INTERNAL.hint());
    return Response.status(500).type("application/problem+json").header("X-Content-Type-Options", "nosniff")
        .entity(ProblemJson.toBytes(p)).build();
  }
}
