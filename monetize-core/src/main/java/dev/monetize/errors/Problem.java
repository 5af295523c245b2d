package dev.monetize.errors;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An RFC 9457 problem details object, as every refusal is rendered.
 *
 * <p>Besides the standard members it always carries our extension members {@code code},
 * {@code hint} and {@code request_id}; more extension members (for example {@code retry_after},
 * {@code violated_policies}) go in {@link #extensions()}.
 *
 * <pre>{@code
 * Problem p = Problem.of(ErrorCode.BAD_REQUEST, URI.create("https://monetize.dev"),
 *     "field 'to' must be after 'from'", "req-1");
 * String json = ProblemJson.toJson(p);
 * }</pre>
 *
 * @param type the URI of the error catalog section for {@code code}
 * @param title short summary, the same for every occurrence of the type
 * @param status the HTTP status code
 * @param detail what went wrong in this occurrence, for a human
 * @param code the stable machine code
 * @param hint how to fix it
 * @param requestId the request id of this occurrence (also sent as {@code X-Request-Id})
 * @param extensions further extension members, in insertion order
 */
public record Problem(
    URI type,
    String title,
    int status,
    String detail,
    String code,
    String hint,
    String requestId,
    Map<String, Object> extensions) {

  /** The media type of a problem body. */
  public static final String MEDIA_TYPE = "application/problem+json";

  private static final Pattern EXTENSION_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{2,}");

  /** Validates the members and copies the extensions. */
  public Problem {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(hint, "hint");
    Objects.requireNonNull(requestId, "requestId");
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("status must be 400..599, got " + status);
    }
    for (String name : extensions.keySet()) {
      if (!EXTENSION_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "extension member '" + name + "' must be 3+ characters of ALPHA, DIGIT or '_' (RFC 9457)");
      }
    }
    extensions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
  }

  /** A problem for {@code code} with its standard title and hint. */
  public static Problem of(ErrorCode code, URI docsBase, String detail, String requestId) {
    return new Problem(code.type(docsBase), code.title(), code.status(), detail, code.code(),
        code.hint(), requestId, Map.of());
  }

  /** A copy with one more extension member. */
  public Problem with(String name, Object value) {
    Map<String, Object> more = new LinkedHashMap<>(extensions);
    more.put(name, value);
    return new Problem(type, title, status, detail, code, hint, requestId, more);
  }

  /** A copy with another hint. */
  public Problem withHint(String newHint) {
    return new Problem(type, title, status, detail, code, newHint, requestId, extensions);
  }
}
