package dev.monetize;

import dev.monetize.audit.AuditOverflow;
import dev.monetize.audit.internal.QueryRedaction;

/** What the audit trail is built with, derived from a builder's settings where they were not given. */
final class AuditWiring {
  private AuditWiring() {}

  /**
   * The key query values are hashed under: as set ({@link MonetizeBuilder#auditQueryKey}), else derived
   * from the key pepper (every node hashes alike), else random at each start.
   */
  static QueryRedaction queryRedaction(MonetizeBuilder b) {
    return b.auditKey != null ? new QueryRedaction(b.auditKey)
        : b.pepper != null ? QueryRedaction.derivedFrom(b.pepper)
        : QueryRedaction.random();
  }

  /**
   * What a full audit queue does: as set, else {@link AuditOverflow#SPILL} for a durable sink with a
   * journal directory, {@link AuditOverflow#CALLER_RUNS} for a durable sink without one, and
   * {@link AuditOverflow#DROP} otherwise.
   */
  static AuditOverflow overflow(MonetizeBuilder b) {
    if (b.auditOverflow != null) {
      return b.auditOverflow;
    }
    if (b.auditSink.durable()) {
      return b.journalDir != null ? AuditOverflow.SPILL : AuditOverflow.CALLER_RUNS;
    }
    return AuditOverflow.DROP;
  }
}
