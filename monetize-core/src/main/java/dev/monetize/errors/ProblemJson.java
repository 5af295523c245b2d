package dev.monetize.errors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;

/**
 * Renders a {@link Problem} as {@code application/problem+json}. The one rendering shared by every
 * adapter, so that the servlet filter and the JAX-RS filters answer byte for byte alike.
 */
public final class ProblemJson {
  private static final JsonFactory JSON = new JsonFactory();

  private ProblemJson() {}

  /** The problem as UTF-8 JSON bytes. */
  public static byte[] toBytes(Problem problem) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(384);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("type", problem.type().toString());
      g.writeStringField("title", problem.title());
      g.writeNumberField("status", problem.status());
      g.writeStringField("detail", problem.detail());
      g.writeStringField("code", problem.code());
      g.writeStringField("hint", problem.hint());
      g.writeStringField("request_id", problem.requestId());
      for (Map.Entry<String, Object> e : problem.extensions().entrySet()) {
        g.writeFieldName(e.getKey());
        writeValue(g, e.getValue());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot happen: writing to memory", e);
    }
    return out.toByteArray();
  }

  /** The problem as a JSON string. */
  public static String toJson(Problem problem) {
    return new String(toBytes(problem), StandardCharsets.UTF_8);
  }

  private static void writeValue(JsonGenerator g, Object value) throws IOException {
    if (value instanceof Number n) {
      if (n instanceof Long || n instanceof Integer) {
        g.writeNumber(n.longValue());
      } else {
        g.writeNumber(n.toString());
      }
    } else if (value instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (value instanceof Collection<?> c) {
      g.writeStartArray();
      for (Object o : c) {
        writeValue(g, o);
      }
      g.writeEndArray();
    } else {
      g.writeString(String.valueOf(value));
    }
  }
}
