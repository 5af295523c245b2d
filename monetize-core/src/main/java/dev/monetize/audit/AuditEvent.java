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
 * @param bytesIn request body bytes read
 * @param seq its place in its tenant's chain, from 1 (0 until the engine chains it)
 * @param prevHash the {@code hash} of the event before it in the chain (empty for the first)
 * @param hash hex SHA-256 of {@code prevHash} followed by the RFC 8785 canonical JSON of the event
 *     without {@code hash} ({@link #fields()}); empty until chained
 * @param segment which run of its tenant's chain it belongs to: the time the run began (a chain the
 *     engine stopped following, after a restart or a long silence, begins a new run at seq 1; a store
 *     that chains events itself keeps one run per tenant)
 * @param pathTemplate the operation's path template ({@code /v1/reports/{id}}), empty when no route matched
 * @param query the query parameters, redacted: the values of parameters the operation lists as auditable
 *     in clear, every other value replaced by {@code #} and a keyed hash (the same value gives the same
 *     hash under one audit key, so an investigator can match them without reading them)
 * @param userAgent the {@code User-Agent} header (at most 256 characters), empty when none
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
    java.util.Map<String, String> details,
    long bytesIn,
    long seq,
    String prevHash,
    String hash,
    String segment,
    String pathTemplate,
    java.util.Map<String, String> query,
    String userAgent) implements EventFields {
  /** An event before it is chained. */
  public AuditEvent(Instant time, String requestId, Optional<String> customerId, Optional<String> keyId,
      String operationId, String method, String path, String remoteAddress, int status, String decision,
      long durationMicros, long bytesOut, java.util.Map<String, String> details) {
    this(time, requestId, customerId, keyId, operationId, method, path, remoteAddress, status, decision,
        durationMicros, bytesOut, details, 0, 0, "", "", "", "", java.util.Map.of(), "");
  }

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
    Objects.requireNonNull(prevHash, "prevHash");
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(segment, "segment");
    Objects.requireNonNull(pathTemplate, "pathTemplate");
    Objects.requireNonNull(userAgent, "userAgent");
    // a monetized request has none: no copy on the hot path
    details = copy(details);
    query = copy(query);
  }

  private static java.util.Map<String, String> copy(java.util.Map<String, String> m) {
    if (m instanceof Sorted own) {
      return own; // made by this class and never changed: the events made from one share it
    }
    return m.isEmpty() ? java.util.Map.of() : new Sorted(m);
  }

  /** The maps an event holds: sorted by name (the order the canonical form writes), unmodifiable. */
  private static final class Sorted extends java.util.AbstractMap<String, String> {
    private final java.util.SortedMap<String, String> view;

    Sorted(java.util.Map<String, String> from) {
      view = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(from));
    }

    @Override
    public java.util.Set<Entry<String, String>> entrySet() {
      return view.entrySet();
    }

    @Override
    public String get(Object key) {
      return view.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
      return view.containsKey(key);
    }

    @Override
    public int size() {
      return view.size();
    }
  }

  /** The same event with its request body bytes. */
  public AuditEvent withBytesIn(long bytes) {
    return new AuditEvent(time, requestId, customerId, keyId, operationId, method, path, remoteAddress, status,
        decision, durationMicros, bytesOut, details, bytes, seq, prevHash, hash, segment, pathTemplate, query,
        userAgent);
  }

  /**
   * The same event at {@code seq} of the run {@code segment} of its chain, after {@code prevHash},
   * with its own hash computed.
   */
  public AuditEvent chained(String segment, long seq, String prevHash) {
    return new AuditEvent(time, requestId, customerId, keyId, operationId, method, path, remoteAddress, status,
        decision, durationMicros, bytesOut, details, bytesIn, seq, prevHash, EventHash.of(this, segment, seq, prevHash),
        segment, pathTemplate, query, userAgent);
  }

  /**
   * An event at {@code seq} of the run {@code segment} of its chain, after {@code prevHash}, with
   * its hash computed: the same event as {@code new AuditEvent(...)} of these fields followed by
   * {@link #chained}, made in one step (what the audit thread does for every request).
   */
  public static AuditEvent chainedOf(Instant time, String requestId, Optional<String> customerId,
      Optional<String> keyId, String operationId, String method, String path, String remoteAddress, int status,
      String decision, long durationMicros, long bytesOut, java.util.Map<String, String> details, long bytesIn,
      String pathTemplate, java.util.Map<String, String> query, String userAgent, String segment, long seq,
      String prevHash) {
    java.util.Map<String, String> sortedDetails = copy(details);
    java.util.Map<String, String> sortedQuery = copy(query);
    String hash = EventHash.of(EventHash.draft(time, requestId, customerId, keyId, operationId, method, path,
        remoteAddress, status, decision, durationMicros, bytesOut, sortedDetails, bytesIn, pathTemplate, sortedQuery,
        userAgent), segment, seq, prevHash);
    return new AuditEvent(time, requestId, customerId, keyId, operationId, method, path, remoteAddress, status,
        decision, durationMicros, bytesOut, sortedDetails, bytesIn, seq, prevHash, hash, segment, pathTemplate,
        sortedQuery, userAgent);
  }

  /** The same event before chaining: no seq, prev_hash, hash or segment. */
  public AuditEvent unchained() {
    return new AuditEvent(time, requestId, customerId, keyId, operationId, method, path, remoteAddress, status,
        decision, durationMicros, bytesOut, details, bytesIn, 0, "", "", "", pathTemplate, query, userAgent);
  }

  /**
   * The chain an event belongs to: its customer's, or {@code *} for events of no identified customer
   * (no customer id can be {@code *}).
   */
  public String chain() {
    return customerId.orElse(NO_CUSTOMER_CHAIN);
  }

  /** The chain of the events of no identified customer ({@link #chain()}); no customer id can be it. */
  public static final String NO_CUSTOMER_CHAIN = "*";

  /**
   * The event as JSON members, without {@code hash}: {@code time}, {@code request_id},
   * {@code customer_id} and {@code key_id} (when identified), {@code operation}, {@code method},
   * {@code path}, {@code path_template}, {@code query} (when any), {@code client_address},
   * {@code user_agent}, {@code status}, {@code code}, {@code latency_us}, {@code bytes_in},
   * {@code bytes_out}, {@code details} (when any), {@code segment}, {@code seq}, {@code prev_hash}.
   */
  public java.util.Map<String, Object> fields() {
    java.util.Map<String, Object> m = new java.util.TreeMap<>();
    m.put("time", time.toString());
    m.put("request_id", requestId);
    customerId.ifPresent(c -> m.put("customer_id", c));
    keyId.ifPresent(k -> m.put("key_id", k));
    m.put("operation", operationId);
    m.put("method", method);
    m.put("path", path);
    m.put("path_template", pathTemplate);
    if (!query.isEmpty()) {
      m.put("query", query);
    }
    m.put("client_address", remoteAddress);
    m.put("user_agent", userAgent);
    m.put("status", status);
    m.put("code", decision);
    m.put("latency_us", durationMicros);
    m.put("bytes_in", bytesIn);
    m.put("bytes_out", bytesOut);
    if (!details.isEmpty()) {
      m.put("details", details);
    }
    m.put("segment", segment);
    m.put("seq", seq);
    m.put("prev_hash", prevHash);
    return m;
  }

  /** The event as one line of JSON, {@code hash} included: what the export writes. */
  public String json() {
    java.util.Map<String, Object> m = fields();
    m.put("hash", hash);
    return CanonicalJson.of(m);
  }

  /**
   * The event a line of {@link #json()} holds (what an export, a spill file or a store keeps).
   *
   * @throws IllegalArgumentException naming what is missing or wrong
   */
  public static AuditEvent parse(String json) {
    return AuditEvents.parse(json);
  }

  /** The first event's {@code prev_hash}: empty, as the audit chain's standard has it. */
  public static final String GENESIS = "";

  /**
   * The first event's {@code prev_hash} in chains begun by earlier builds of this version (64 zeros):
   * {@link AuditVerifier} accepts it at the start of a chain too, so trails written then still verify.
   */
  public static final String LEGACY_GENESIS = "0".repeat(64);

  /** Hex SHA-256 of {@code prevHash} followed by the canonical JSON of {@code fields}. */
  public static String hashOf(String prevHash, java.util.Map<String, Object> fields) {
    try {
      java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
      d.update(prevHash.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      d.update(CanonicalJson.of(fields).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(d.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
