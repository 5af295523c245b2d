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

  /**
   * The {@code about:blank} problem of {@code status} (RFC 9457 section 4.2.1): its title the
   * status's reason phrase (RFC 9110), nothing else; for a status no code of ours has.
   */
  public static byte[] aboutBlank(int status) {
    return ("{\"type\":\"about:blank\",\"title\":\"" + reason(status) + "\",\"status\":" + status + "}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** The reason phrase (RFC 9110) of a client or server error status. */
  public static String reason(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 402 -> "Payment Required";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 406 -> "Not Acceptable";
      case 407 -> "Proxy Authentication Required";
      case 408 -> "Request Timeout";
      case 409 -> "Conflict";
      case 410 -> "Gone";
      case 411 -> "Length Required";
      case 412 -> "Precondition Failed";
      case 413 -> "Content Too Large";
      case 414 -> "URI Too Long";
      case 415 -> "Unsupported Media Type";
      case 416 -> "Range Not Satisfiable";
      case 417 -> "Expectation Failed";
      case 421 -> "Misdirected Request";
      case 422 -> "Unprocessable Content";
      case 425 -> "Too Early";
      case 426 -> "Upgrade Required";
      case 428 -> "Precondition Required";
      case 429 -> "Too Many Requests";
      case 431 -> "Request Header Fields Too Large";
      case 451 -> "Unavailable For Legal Reasons";
      case 500 -> "Internal Server Error";
      case 501 -> "Not Implemented";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      case 505 -> "HTTP Version Not Supported";
      default -> status < 500 ? "Client Error" : "Server Error";
    };
  }

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
