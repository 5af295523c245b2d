package dev.monetize.jaxrs;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.IOException;

/**
 * A monetized request's JSON body that the runtime's Jackson provider cannot read becomes
 * {@code 400 bad_request} naming where it went wrong (a line and column, or a path such as
 * {@code $[0].timestamp}), never Jackson's message, which names Java classes; Jersey's own Jackson
 * mappers answered it as {@code text/plain} with that message. Registered by {@link MonetizeFeature}
 * on monetized resource methods; {@link MonetizeExceptionMapper} writes the problem.
 */
final class UnreadableBodies implements ReaderInterceptor {
  @Override
  public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
    try {
      return context.proceed();
    } catch (IOException | RuntimeException e) {
      JsonProcessingException json = jsonCause(e);
      if (json == null) {
        throw e;
      }
      throw new Unreadable(detail(json));
    }
  }

  private static JsonProcessingException jsonCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof JsonProcessingException j) {
        return j;
      }
    }
    return null;
  }

  /** Where the body went wrong, in the client's terms. */
  static String detail(JsonProcessingException e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof JsonParseException p) { // a parse error, wrapped with its path as objects are bound
        return notJson(p);
      }
    }
    if (e instanceof JsonMappingException m) {
      StringBuilder path = new StringBuilder("$");
      for (JsonMappingException.Reference r : m.getPath()) {
        if (r.getFieldName() != null) {
          path.append('.').append(r.getFieldName().length() > 64 ? r.getFieldName().substring(0, 64) + "..."
              : r.getFieldName());
        } else if (r.getIndex() >= 0) {
          path.append('[').append(r.getIndex()).append(']');
        }
      }
      return "The request body does not have the shape this endpoint takes"
          + (path.length() > 1 ? ", at " + path : "") + ".";
    }
    return notJson(e);
  }

  private static String notJson(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    return "The request body is not well-formed JSON" + (at == null || at.getLineNr() < 1 ? ""
        : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")") + ".";
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
