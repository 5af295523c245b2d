package dev.monetize;

import dev.monetize.audit.AuditEvent;
import dev.monetize.audit.internal.AsyncAuditDispatcher;
import dev.monetize.errors.ErrorCode;
import java.time.Instant;

/**
 * The audit stage: one event per request, handed to the asynchronous dispatcher (which counts the
 * refusals of unidentified callers per address and minute instead of writing each).
 */
final class AuditStage implements AdmissionStage {
  private final AsyncAuditDispatcher audit;

  AuditStage(AsyncAuditDispatcher audit) {
    this.audit = audit;
    audit.buildLater(item -> event((Admission) item));
  }

  /**
   * Hands the request off as it is: the delivery thread builds its event ({@link #event}), so the
   * request thread allocates nothing for the audit trail.
   */
  @Override
  public void complete(Admission admission, int status, long bytesIn, long bytesOut, long cpuNanos, long startNanos,
      long durationNanos) {
    Decision d = admission.decision();
    ApiRequest r = admission.request();
    if (d.principal().isEmpty() && d.error().isPresent()) { // a caller never identified: counted, not written
      audit.countRefusal(startNanos, r.remoteAddress(), d.operation().id(), d.error().get().code(), status,
          r.requestId(), r.method(), r.path());
      return;
    }
    admission.sent(status, bytesOut, durationNanos);
    audit.submitLater(admission);
  }

  /** The event of a completed request, built on the audit delivery thread. */
  private AuditEvent event(Admission admission) {
    Decision d = admission.decision();
    ApiRequest r = admission.request();
    long startNanos = admission.startNanos();
    return new AuditEvent(
        Instant.ofEpochSecond(Math.floorDiv(startNanos, 1_000_000_000L), Math.floorMod(startNanos, 1_000_000_000L)),
        r.requestId(),
        d.principal().map(Principal::customerId),
        d.principal().map(Principal::keyId),
        d.operation().id(), r.method(), r.path(), r.remoteAddress(), admission.sentStatus(),
        d.error().map(ErrorCode::code).orElse("admitted"), admission.sentNanos() / 1_000, admission.sentBytes(),
        java.util.Map.of(), admission.bytesIn(), 0, "", "", "", d.operation().pathTemplate(),
        audit.redaction().redact(r.query(), d.operation().auditQuery()),
        userAgent(r.userAgent()));
  }

  /** At most 256 characters of the {@code User-Agent} header. */
  static String userAgent(String ua) {
    return dev.monetize.audit.internal.QueryRedaction.cut(ua, 256);
  }
}
