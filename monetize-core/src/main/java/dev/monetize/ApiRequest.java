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
 */
public record ApiRequest(
    String method,
    String path,
    String remoteAddress,
    String requestId,
    Optional<String> authorization,
    Optional<String> apiKeyHeader) {

  /** Validates. */
  public ApiRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(remoteAddress, "remoteAddress");
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(authorization, "authorization");
    Objects.requireNonNull(apiKeyHeader, "apiKeyHeader");
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

  /** Never prints credentials. */
  @Override
  public String toString() {
    return "ApiRequest[" + method + " " + path + ", requestId=" + requestId + "]";
  }
}
