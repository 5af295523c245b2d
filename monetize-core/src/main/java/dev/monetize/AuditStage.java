package dev.monetize;

import dev.monetize.audit.AuditEvent;
import dev.monetize.audit.internal.AsyncAuditDispatcher;
import dev.monetize.audit.internal.EventBuilder;
import dev.monetize.errors.ErrorCode;
import java.time.Instant;
import java.util.Map;
import dev.monetize.plans.Operation;
import java.util.Optional;

/**
 * The audit stage: one event per request, handed to the asynchronous dispatcher (which counts the
 * refusals of unidentified callers per address and minute instead of writing each).
 */
final class AuditStage extends AdmissionStage {
  private final AsyncAuditDispatcher audit;

  AuditStage(AsyncAuditDispatcher audit) {
    this.audit = audit;
    audit.buildLater(new Events());
  }

  /**
   * Hands the request off as it is: the delivery thread builds its event ({@link Events}), so the
   * request thread allocates nothing for the audit trail.
   */
  @Override
  public void complete(Admission admission, int status, long bytesIn, long bytesOut, long cpuNanos, long startNanos,
      long durationNanos) {
    ApiRequest r = admission.request();
    if (admission.principal().isEmpty() && admission.error().isPresent()) { // a caller never identified: counted, not written
      audit.countRefusal(startNanos, r.remoteAddress(), admission.operation().id(), admission.error().get().code(), status,
          r.requestId(), r.method(), path(r));
      return;
    }
    if (status == 429 && admission.principal().isPresent() && admission.error().isPresent()) {
      // a known key past its limits: its first refusals of a minute are written, the rest counted
      Principal p = admission.principal().get();
      if (audit.countKnownRefusal(startNanos, p.customerId(), p.keyId(), r.remoteAddress(), admission.operation().id(),
          admission.error().get().code(), status, r.requestId(), r.method(), path(r))) {
        return;
      }
    }
    admission.sent(status, bytesOut, durationNanos);
    audit.submitLater(admission);
  }

  /** The event of a completed request, built on the audit delivery thread, chained as it is made. */
  private final class Events implements EventBuilder {
    /**
     * The ids the events of the last caller hold: consecutive requests of one key share its
     * {@link Principal}, so their events share these, and a memo that misses costs what making
     * them costs. Used only for that very {@code Principal}, under this builder's lock (the
     * delivery thread builds events, and so does a request thread when the queue overflows).
     */
    private Principal lastPrincipal;
    private Optional<String> lastCustomer = Optional.empty();
    private Optional<String> lastKey = Optional.empty();

    @Override
    public AuditEvent unchained(Object item) {
      return chained(item, "", 0, "");
    }

    @Override
    public String chain(Object item) {
      Optional<Principal> principal = ((Admission) item).principal();
      return principal.isPresent() ? principal.get().customerId() : AuditEvent.NO_CUSTOMER_CHAIN;
    }

    @Override
    public Instant time(Object item) {
      long startNanos = ((Admission) item).startNanos();
      return Instant.ofEpochSecond(Math.floorDiv(startNanos, 1_000_000_000L), Math.floorMod(startNanos, 1_000_000_000L));
    }

    @Override
    public AuditEvent chained(Object item, String segment, long seq, String prevHash) {
      Admission admission = (Admission) item;
      ApiRequest r = admission.request();
      Operation op = admission.operation();
      Optional<Principal> principal = admission.principal();
      Optional<String> customer = Optional.empty();
      Optional<String> key = Optional.empty();
      if (principal.isPresent()) {
        Principal p = principal.get();
        synchronized (this) {
          if (p != lastPrincipal) {
            lastCustomer = Optional.of(p.customerId());
            lastKey = Optional.of(p.keyId());
            lastPrincipal = p;
          }
          customer = lastCustomer;
          key = lastKey;
        }
      }
      String code = admission.error().map(ErrorCode::code).orElse("admitted");
      Map<String, String> query = audit.redaction().redact(r.query(), op.auditQuery());
      if (seq == 0) { // unchained: for a sink that chains events itself
        return new AuditEvent(time(item), r.requestId(), customer, key, op.id(), r.method(), path(r),
            r.remoteAddress(), admission.sentStatus(), code, admission.sentNanos() / 1_000, admission.sentBytes(),
            Map.of(), admission.bytesIn(), 0, "", "", "", op.pathTemplate(), query, userAgent(r.userAgent()));
      }
      return AuditEvent.chainedOf(time(item), r.requestId(), customer, key, op.id(), r.method(), path(r),
          r.remoteAddress(), admission.sentStatus(), code, admission.sentNanos() / 1_000, admission.sentBytes(),
          Map.of(), admission.bytesIn(), op.pathTemplate(), query, userAgent(r.userAgent()), segment, seq,
          prevHash);
    }
  }

  /** The request's path, with any key or token a caller put in it redacted (never kept in clear). */
  private static String path(ApiRequest r) {
    return dev.monetize.keys.Redaction.redact(r.path());
  }

  /** At most 256 characters of the {@code User-Agent} header. */
  static String userAgent(String ua) {
    return dev.monetize.audit.internal.QueryRedaction.cut(ua, 256);
  }
}
