package dev.monetize.management.internal;

import dev.monetize.errors.ErrorCode;
import dev.monetize.http.Header;
import java.util.List;

/** A management request refused with its code, a caller-safe message and the headers that go with it. */
final class ManagementRefusal extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient ErrorCode code;
  private final long retryAfter;
  private final transient List<Header> headers;
  private final transient List<String> violatedPolicies;

  ManagementRefusal(ErrorCode code, String message) {
    this(code, message, 0, List.of());
  }

  ManagementRefusal(ErrorCode code, String message, long retryAfter, List<Header> headers) {
    this(code, message, retryAfter, headers, List.of());
  }

  /** A refusal by limits: {@code violatedPolicies} names the ones used up ({@code violated_policies}). */
  ManagementRefusal(ErrorCode code, String message, long retryAfter, List<Header> headers,
      List<String> violatedPolicies) {
    super(message, null, false, false); // routine: no stack trace
    this.code = code;
    this.retryAfter = retryAfter;
    this.headers = List.copyOf(headers);
    this.violatedPolicies = List.copyOf(violatedPolicies);
  }

  List<String> violatedPolicies() {
    return violatedPolicies;
  }

  ErrorCode code() {
    return code;
  }

  long retryAfter() {
    return retryAfter;
  }

  List<Header> headers() {
    return headers;
  }

  static ManagementRefusal badRequest(String message) {
    return new ManagementRefusal(ErrorCode.BAD_REQUEST, message);
  }

  static ManagementRefusal notFound(String what, String id) {
    String shown = id.length() > 64 ? id.substring(0, 64) + "..." : id;
    return new ManagementRefusal(ErrorCode.NOT_FOUND, "No " + what + " '" + shown + "'.");
  }
}
