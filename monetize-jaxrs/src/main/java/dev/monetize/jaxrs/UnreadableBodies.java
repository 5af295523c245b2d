package dev.monetize.jaxrs;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.IOException;

/**
 * A monetized request's JSON body that the runtime's Jackson provider cannot read becomes
 * {@code 400 bad_request} saying where it went wrong ({@link dev.monetize.http.UnreadableJson}), never
 * Jackson's message, which names Java classes; Jersey's own Jackson mappers answered it as
 * {@code text/plain} with that message. Registered by {@link MonetizeFeature}
 * on monetized resource methods; {@link MonetizeExceptionMapper} writes the problem.
 */
final class UnreadableBodies implements ReaderInterceptor {
  @Override
  public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
    try {
      return context.proceed();
    } catch (IOException | RuntimeException e) {
      java.util.Optional<dev.monetize.http.BodyTooLargeException> tooLarge = dev.monetize.http.BodyTooLargeException.in(e);
      if (tooLarge.isPresent()) { // however Jackson wrapped it: 413, never one of the runtime's Jackson mappers' 400s
        throw tooLarge.get();
      }
      if (e instanceof com.fasterxml.jackson.databind.exc.InvalidDefinitionException) { // the resource's type: a 500
        throw new IllegalStateException("the resource's body type cannot be read from JSON", e);
      }
      java.util.Optional<String> detail = dev.monetize.http.UnreadableJson.detail(e);
      if (detail.isEmpty()) {
        throw e;
      }
      throw new Unreadable(detail.get());
    }
  }

  /** A body the endpoint cannot read, with what to tell the client. */
  static final class Unreadable extends BadRequestException {
    private static final long serialVersionUID = 1L;
    private final String detail;

    Unreadable(String detail) {
      super(detail);
      this.detail = detail;
    }

    String detail() {
      return detail;
    }
  }
}
