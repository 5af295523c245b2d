package dev.monetize;

import dev.monetize.billing.internal.Wallets;
import dev.monetize.errors.ErrorCode;
import dev.monetize.errors.Problem;
import dev.monetize.keys.Redaction;
import dev.monetize.plans.Operation;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request path: identify, then each {@link AdmissionStage} while admitted, then the limits
 * (last, since they charge); after the endpoint, release the limits and let every stage act. A new
 * capability adds a stage here, never a method to the facade. What an {@link Admission} needs to
 * render and complete itself is here too.
 */
final class AdmissionPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(AdmissionPipeline.class);
  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();

  private final Identification identification;
  /** Before identification: the client address's verdict. */
  private final dev.monetize.shield.internal.Shield shield;
  /** After identification, in order, the stages that may refuse before the endpoint. */
  private final AdmissionStage[] admitting;
  /** In the same order, the stages that act after the answer was sent. */
  private final AdmissionStage[] completing;
  private final LimitStep limits;
  private final Wallets wallet;
  private final TimeSource time;
  private final URI docsBase;
  private final boolean legacyHeaders;
  private final boolean measureCpuTime;
  private final Caching caching;

  AdmissionPipeline(Identification identification, dev.monetize.shield.internal.Shield shield, AdmissionStage[] stages,
      LimitStep limits, Wallets wallet, TimeSource time, URI docsBase, boolean legacyHeaders, boolean measureCpuTime,
      Caching caching, dev.monetize.plans.Catalog catalog, QuotaWarnings warnings) {
    this.catalog = catalog;
    this.warnings = warnings;
    this.identification = identification;
    this.shield = shield;
    this.admitting = java.util.Arrays.stream(stages).filter(s -> AdmissionStage.overrides(s, "admit"))
        .toArray(AdmissionStage[]::new);
    this.completing = java.util.Arrays.stream(stages).filter(s -> AdmissionStage.overrides(s, "complete"))
        .toArray(AdmissionStage[]::new);
    this.limits = limits;
    this.wallet = wallet;
    this.time = time;
    this.docsBase = docsBase;
    this.legacyHeaders = legacyHeaders;
    this.measureCpuTime = measureCpuTime && THREADS.isCurrentThreadCpuTimeSupported();
    this.caching = caching;
  }

  Caching caching() {
    return caching;
  }

  /** Admits or refuses one request; never throws for any request content (a failing store is {@code internal}). */
  Admission admit(Operation operation, ApiRequest request) {
    long start = time.epochNanos();
    Admission admission = new Admission(this, request, start);
    try {
      decide(operation, request, start, admission);
    } catch (RuntimeException e) {
      if (outage(e)) { // a store that cannot be reached: the caller may retry, and the log says it once in a while
        if (outageLog.due()) {
          LOG.error("admission of request {} failed: a store cannot be reached ({} more since; said once every 10 s)",
              request.requestId(), outageLog.heldBack(), Redaction.redact(e));
        }
        admission.limited(Decision.refuseWithRetry(ErrorCode.STORE_UNAVAILABLE, "A store the service reads keys or "
            + "customers from cannot be reached; the request was not admitted.", operation, 1), List.of(), null, "");
      } else {
        failures.failed("admission of request", request.requestId(), e, Redaction.redact(e));
        admission.limited(Decision.refuse(ErrorCode.INTERNAL, "The request could not be admitted.",
            Optional.empty(), operation), List.of(), null, "");
      }
    }
    if (admission.admitted()) {
      if (wallet.watching()) {
        wallet.notice(admission.decision());
      }
      if (!admission.requests().isEmpty()) {
        warnings.announce(admission.principal(), admission.policies(), admission.requests(), operation.cost(), start);
      }
    }
    admission.started();
    return admission;
  }

  private final dev.monetize.internal.LogThrottle outageLog =
      new dev.monetize.internal.LogThrottle(java.time.Duration.ofSeconds(10));
  private final dev.monetize.internal.FailureLog failures = new dev.monetize.internal.FailureLog(LOG);

  /**
   * Whether {@code e} comes of a store that cannot be reached (a connection refused or timed out; SQL
   * state class 08, or a transient SQL failure), not of a fault in a store or the engine.
   */
  static boolean outage(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof java.sql.SQLTransientException || t instanceof java.sql.SQLNonTransientConnectionException
          || t instanceof java.sql.SQLRecoverableException
          || t instanceof java.sql.SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("08")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The limits of a request the service shed, checked and charged after all because the cache can
   * answer it (the endpoint will not run).
   */
  void readmit(Decision shed, ApiRequest request, long now, Admission into) {
    limits.check(shed, shed.operation(), request, now, false, into);
    if (wallet.watching() && into.admitted()) {
      wallet.notice(into.decision());
    }
  }

  /**
   * The last refusal per operation: a flood repeats one refusal (the malformed key's, the
   * address's), so it is answered without building a new one.
   */
  private final java.util.concurrent.ConcurrentHashMap<String, Decision> lastRefusals =
      new java.util.concurrent.ConcurrentHashMap<>();

  private void refused(Decision decision, Admission into) {
    String op = decision.operation().id();
    if (lastRefusals.get(op) != decision) {
      lastRefusals.put(op, decision);
    }
    into.limited(decision, List.of(), null, "");
  }

  /** The refusal of an address by the shield, the same object while the verdict stays the same. */
  private Decision addressRefusal(dev.monetize.shield.internal.Shield.Verdict verdict, Operation op) {
    Decision last = lastRefusals.get(op.id());
    ErrorCode code = verdict.refusal().get();
    if (last != null && last.error().orElse(null) == code
        && last.retryAfterSeconds() == verdict.retryAfterSeconds() && last.operation() == op
        && last.principal().isEmpty()) {
      return last;
    }
    return Decision.refuseAddress(code, dev.monetize.shield.internal.Shield.detail(code), op, verdict.retryAfterSeconds());
  }

  private final dev.monetize.plans.Catalog catalog;
  private final QuotaWarnings warnings;

  QuotaWarnings warnings() {
    return warnings;
  }

  private void decide(Operation op, ApiRequest request, long now, Admission into) {
    dev.monetize.shield.internal.Shield.Verdict verdict = shield.check(request.remoteAddress(), now);
    if (verdict.refusal().isPresent()) { // before any credential is looked at
      refused(addressRefusal(verdict, op), into);
      return;
    }
    if (op.lifecycle().isPresent()) { // a retired version answers 410 to anyone, unmetered
      Optional<Decision> retired = Versions.retired(op, now, catalog);
      if (retired.isPresent()) {
        refused(retired.get(), into);
        return;
      }
    }
    Decision d = identification.identify(op, request, now);
    if (!d.admitted() && d.error().orElseThrow().status() == 401) {
      shield.failed(request.remoteAddress(), now, verdict.allowed()); // spends the address's budget, counts to a ban
    }
    for (AdmissionStage stage : admitting) {
      if (!d.admitted()) {
        refused(d, into);
        return;
      }
      d = stage.admit(op, request, d);
    }
    if (!d.admitted()) {
      refused(d, into);
      return;
    }
    limits.check(d, op, request, now, into);
  }

  void complete(Admission admission, int status, long bytesIn, long bytesOut, long cpuNanos, long startNanos) {
    long duration = Math.max(0, time.epochNanos() - startNanos);
    limits.release(admission);
    for (AdmissionStage stage : completing) {
      try {
        stage.complete(admission, status, bytesIn, bytesOut, cpuNanos, startNanos, duration);
      } catch (RuntimeException e) {
        LOG.error("completing request {} failed in {}", admission.request().requestId(),
            stage.getClass().getSimpleName(), Redaction.redact(e));
      }
    }
  }

  Problem problem(ErrorCode code, String detail, String requestId) {
    return Problem.of(code, docsBase, detail, requestId);
  }

  boolean legacyRateLimitHeaders() {
    return legacyHeaders;
  }

  Wallets wallets() {
    return wallet;
  }

  boolean measuresCpuTime() {
    return measureCpuTime;
  }

  /** The calling thread's CPU time in nanoseconds. */
  static long threadCpuNanos() {
    return THREADS.getCurrentThreadCpuTime();
  }
}
