package dev.monetize.metering;

import java.time.Instant;
import java.util.Objects;

/**
 * Aggregated usage of one (customer, key, operation, status) over a flush interval: the unit of
 * what a {@link UsageSink} receives. Summing the records of a customer gives its exact usage.
 *
 * @param customerId the customer (tenant)
 * @param keyId the public id of the key used
 * @param operationId the operation called
 * @param status the HTTP status sent
 * @param overage whether the calls exceeded a quota of a plan that bills overage
 * @param from start of the aggregation interval
 * @param to end of the aggregation interval
 * @param calls number of calls
 * @param bytesIn request body bytes the endpoints read
 * @param bytesOut response body bytes written
 * @param durationMicros total wall time of the calls, microseconds
 * @param cpuMicros total CPU time of the calls on their request threads, microseconds (0 unless
 *     the engine measures it: {@code MonetizeBuilder.measureCpuTime})
 * @param units custom units the endpoints reported (e.g. {@code rows_scanned}), summed
 */
public record UsageRecord(
    String customerId,
    String keyId,
    String operationId,
    int status,
    boolean overage,
    Instant from,
    Instant to,
    long calls,
    long bytesIn,
    long bytesOut,
    long durationMicros,
    long cpuMicros,
    java.util.Map<String, Long> units) {
  /** Validates and copies. */
  public UsageRecord {
    Objects.requireNonNull(customerId, "customerId");
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(operationId, "operationId");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    units = java.util.Map.copyOf(units);
  }

  /** A record without request bytes, CPU time or custom units. */
  public UsageRecord(String customerId, String keyId, String operationId, int status, boolean overage, Instant from,
      Instant to, long calls, long bytesOut, long durationMicros) {
    this(customerId, keyId, operationId, status, overage, from, to, calls, 0, bytesOut, durationMicros, 0,
        java.util.Map.of());
  }

  /** A record without request bytes or CPU time. */
  public UsageRecord(String customerId, String keyId, String operationId, int status, boolean overage, Instant from,
      Instant to, long calls, long bytesOut, long durationMicros, java.util.Map<String, Long> units) {
    this(customerId, keyId, operationId, status, overage, from, to, calls, 0, bytesOut, durationMicros, 0, units);
  }

  /**
   * The record's identity as a name-based UUID of customer, key, operation, status, overage and
   * interval: the same record delivered again has the same id, so sinks and providers deduplicate
   * by it (a usage ledger's primary key, a provider's idempotency key).
   */
  public String id() {
    String identity = String.join("|", customerId, keyId, operationId, Integer.toString(status),
        Boolean.toString(overage), from.toString(), to.toString());
    return java.util.UUID.nameUUIDFromBytes(identity.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
  }

  /** Whether the call was answered with a 2xx status. */
  public boolean successful() {
    return status >= 200 && status < 300;
  }
}
