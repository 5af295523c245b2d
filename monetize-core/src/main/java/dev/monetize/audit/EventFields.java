package dev.monetize.audit;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What an event's hash is computed from, as {@link EventHash} reads it: an {@link AuditEvent}, or the
 * draft of one that {@link AuditEvent#chainedOf} hashes before it makes the event (one event, not an
 * unchained one and its chained copy).
 */
interface EventFields {
  Instant time();

  String requestId();

  Optional<String> customerId();

  Optional<String> keyId();

  String operationId();

  String method();

  String path();

  String remoteAddress();

  int status();

  String decision();

  long durationMicros();

  long bytesOut();

  Map<String, String> details();

  long bytesIn();

  String pathTemplate();

  Map<String, String> query();

  String userAgent();
}
