package dev.monetize.audit.internal;

import dev.monetize.audit.AuditEvent;
import dev.monetize.audit.AuditVerifier;
import java.util.List;
import java.util.Optional;

/** Verifies delivered events as an export of them would verify. */
final class AuditVerifierBridge {
  private AuditVerifierBridge() {
  }

  static Optional<String> verify(List<AuditEvent> events) {
    synchronized (events) {
      return AuditVerifier.verify(events.stream().map(e -> AuditVerifier.parseLine(e.json()).orElseThrow()).toList());
    }
  }
}
