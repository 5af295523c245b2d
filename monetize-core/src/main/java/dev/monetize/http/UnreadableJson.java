package dev.monetize.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.util.Optional;

/**
 * What to tell a client whose JSON request body a framework's Jackson could not read: where it went
 * wrong, in the client's terms (a line and column, or a path such as {@code $[1].n}), never Jackson's
 * message, which names Java classes. The adapters answer it as {@code 400 bad_request}.
 *
 * <pre>{@code
 * UnreadableJson.detail(exception).ifPresent(detail -> answer400(detail));
 * }</pre>
 */
public final class UnreadableJson {
  private UnreadableJson() {
  }

  /**
   * The detail for {@code e}, when a Jackson read failure of the client's body is in its causes; empty
   * otherwise: also for a body that went past its limit while Jackson read it (a {@code 413}, however
   * Jackson wrapped it) and for a type Jackson cannot bind at all (the service's own mistake, a 500).
   */
  public static Optional<String> detail(Throwable e) {
    JsonProcessingException first = null;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof BodyTooLargeException
          || t instanceof com.fasterxml.jackson.databind.exc.InvalidDefinitionException) {
        return Optional.empty();
      }
    }
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof JsonParseException p) { // a parse error, wrapped with its path as objects are bound
        return Optional.of(notJson(p));
      }
      if (first == null && t instanceof JsonProcessingException j) {
        first = j;
      }
    }
    if (first instanceof JsonMappingException m) {
      StringBuilder path = new StringBuilder("$");
      for (JsonMappingException.Reference r : m.getPath()) {
        if (r.getFieldName() != null) {
          String name = r.getFieldName();
          path.append('.').append(name.length() > 64 ? name.substring(0, 64) + "..." : name);
        } else if (r.getIndex() >= 0) {
          path.append('[').append(r.getIndex()).append(']');
        }
      }
      return Optional.of("The request body does not have the shape this endpoint takes"
          + (path.length() > 1 ? ", at " + path : "") + ".");
    }
    return first == null ? Optional.empty() : Optional.of(notJson(first));
  }

  private static String notJson(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    return "The request body is not well-formed JSON" + (at == null || at.getLineNr() < 1 ? ""
        : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")") + ".";
  }
}
