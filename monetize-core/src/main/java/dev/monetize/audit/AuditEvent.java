package dev.monetize.audit;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One structured record per monetized request. It names the key by its public id only: a secret
 * never reaches an audit event.
 *
 * @param time when the request arrived
 * @param requestId the request id (also in {@code X-Request-Id})
 * @param customerId the customer, when the key was identified
 * @param keyId the public key id, when the key was identified
 * @param operationId the operation
 * @param method HTTP method
 * @param path request path (never the query string)
 * @param remoteAddress client address
 * @param status HTTP status sent
 * @param decision {@code admitted} or the error code of the refusal
 * @param durationMicros time from admission to completion
 * @param bytesOut response body bytes
 * @param details what a management call did, by name (never a secret or a hash): the credential
 *     ({@code credential}: {@code key} or {@code token}, {@code token_id}), the target ids
 *     ({@code target_organization}, {@code target_key}, ...), and what changed ({@code scopes},
 *     {@code limits}, {@code amount}, ...); empty for a monetized request
 */
public record AuditEvent(
    Instant time,
    String requestId,
    Optional<String> customerId,
    Optional<String> keyId,
    String operationId,
    String method,
    String path,
    String remoteAddress,
    int status,
    String decision,
    long durationMicros,
    long bytesOut,
    java.util.Map<String, String> details) {
  /** An event of a monetized request: no details. */
  public AuditEvent(Instant time, String requestId, Optional<String> customerId, Optional<String> keyId,
      String operationId, String method, String path, String remoteAddress, int status, String decision,
      long durationMicros, long bytesOut) {
    this(time, requestId, customerId, keyId, operationId, method, path, remoteAddress, status, decision,
        durationMicros, bytesOut, java.util.Map.of());
  }

  /** Validates and copies. */
  public AuditEvent {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(customerId, "customerId");
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(operationId, "operationId");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(remoteAddress, "remoteAddress");
    Objects.requireNonNull(decision, "decision");
    // a monetized request has none: no copy on the hot path
    details = details.isEmpty() ? java.util.Map.of()
        : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(details));
  }
}
