package dev.monetize;

import java.util.Objects;
import java.util.Optional;

/**
 * What the core needs to know about an incoming request; adapters build it from their framework's
 * request. Credentials are read from the {@code Authorization} and {@code X-API-Key} headers only,
 * never from the query string (which ends up in logs and browser history).
 *
 * <pre>{@code
 * ApiRequest r = ApiRequest.of("GET", "/v1/stats/summary", "127.0.0.1", requestId,
 *     req.getHeader("Authorization"), req.getHeader("X-API-Key"));
 * }</pre>
 *
 * @param method HTTP method, upper case
 * @param path decoded request path without the query string
 * @param remoteAddress the client address
 * @param requestId the request id of this request
 * @param authorization the {@code Authorization} header, if sent
 * @param apiKeyHeader the {@code X-API-Key} header, if sent
 * @param query the raw query string without {@code ?}, empty when none (the audit trail keeps it
 *     redacted by the operation's rule, never in clear)
 * @param userAgent the {@code User-Agent} header, empty when none
 */
public record ApiRequest(
    String method,
    String path,
    String remoteAddress,
    String requestId,
    Optional<String> authorization,
    Optional<String> apiKeyHeader,
    String query,
    String userAgent) {

  /** A request with no query string and no user agent. */
  public ApiRequest(String method, String path, String remoteAddress, String requestId, Optional<String> authorization,
      Optional<String> apiKeyHeader) {
    this(method, path, remoteAddress, requestId, authorization, apiKeyHeader, "", "");
  }

  /** Validates. */
  public ApiRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(remoteAddress, "remoteAddress");
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(authorization, "authorization");
    Objects.requireNonNull(apiKeyHeader, "apiKeyHeader");
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(userAgent, "userAgent");
  }

  /**
   * Builds a request from raw header values as frameworks hand them out, where {@code null}
   * means the header was not sent.
   */
  public static ApiRequest of(String method, String path, String remoteAddress, String requestId,
      String authorizationOrNull, String apiKeyHeaderOrNull) {
    return new ApiRequest(method, path, remoteAddress == null ? "" : remoteAddress, requestId,
        Optional.ofNullable(authorizationOrNull), Optional.ofNullable(apiKeyHeaderOrNull));
  }

  /** The same, with the raw query string and {@code User-Agent} header ({@code null}: not sent). */
  public static ApiRequest of(String method, String path, String remoteAddress, String requestId,
      String authorizationOrNull, String apiKeyHeaderOrNull, String queryOrNull, String userAgentOrNull) {
    return new ApiRequest(method, path, remoteAddress == null ? "" : remoteAddress, requestId,
        Optional.ofNullable(authorizationOrNull), Optional.ofNullable(apiKeyHeaderOrNull),
        queryOrNull == null ? "" : queryOrNull, userAgentOrNull == null ? "" : userAgentOrNull);
  }

  /** Never prints credentials. */
  @Override
  public String toString() {
    return "ApiRequest[" + method + " " + path + ", requestId=" + requestId + "]";
  }
}
