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
  /** After identification, in order: each may refuse before the endpoint and act after it. */
  private final AdmissionStage[] stages;
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
    this.stages = stages.clone();
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
    LimitStep.Outcome outcome;
    try {
      outcome = decide(operation, request, start);
    } catch (RuntimeException e) {
      LOG.error("admission of request {} failed", request.requestId(), Redaction.redact(e));
      outcome = new LimitStep.Outcome(Decision.refuse(ErrorCode.INTERNAL, "The request could not be admitted.",
          Optional.empty(), operation), List.of());
    }
    if (wallet.watching() && outcome.decision().admitted()) {
      wallet.notice(outcome.decision());
    }
    if (outcome.decision().admitted() && !outcome.requests().isEmpty()) {
      warnings.announce(outcome.decision(), outcome.requests(), operation.cost(), start);
    }
    return new Admission(this, request, outcome, start);
  }

  /**
   * The limits of a request the service shed, checked and charged after all because the cache can
   * answer it (the endpoint will not run).
   */
  LimitStep.Outcome readmit(Decision shed, ApiRequest request, long now) {
    LimitStep.Outcome outcome = limits.check(shed, shed.operation(), request, now, false);
    if (wallet.watching() && outcome.decision().admitted()) {
      wallet.notice(outcome.decision());
    }
    return outcome;
  }

  /**
   * The last refusal outcome per operation: a flood repeats one refusal (the malformed key's, the
   * address's), so it is answered without building a new one.
   */
  private final java.util.concurrent.ConcurrentHashMap<String, LimitStep.Outcome> lastRefusals =
      new java.util.concurrent.ConcurrentHashMap<>();

  private LimitStep.Outcome refused(Decision decision) {
    String op = decision.operation().id();
    LimitStep.Outcome last = lastRefusals.get(op);
    if (last != null && last.decision() == decision) {
      return last;
    }
    LimitStep.Outcome o = new LimitStep.Outcome(decision, List.of());
    lastRefusals.put(op, o);
    return o;
  }

  /** The refusal of an address by the shield, the same object while the verdict stays the same. */
  private Decision addressRefusal(dev.monetize.shield.internal.Shield.Verdict verdict, Operation op) {
    LimitStep.Outcome last = lastRefusals.get(op.id());
    ErrorCode code = verdict.refusal().get();
    if (last != null && last.decision().error().orElse(null) == code
        && last.decision().retryAfterSeconds() == verdict.retryAfterSeconds() && last.decision().operation() == op
        && last.decision().principal().isEmpty()) {
      return last.decision();
    }
    return Decision.refuseAddress(code, dev.monetize.shield.internal.Shield.detail(code), op, verdict.retryAfterSeconds());
  }

  private final dev.monetize.plans.Catalog catalog;
  private final QuotaWarnings warnings;

  QuotaWarnings warnings() {
    return warnings;
  }

  private LimitStep.Outcome decide(Operation op, ApiRequest request, long now) {
    dev.monetize.shield.internal.Shield.Verdict verdict = shield.check(request.remoteAddress(), now);
    if (verdict.refusal().isPresent()) { // before any credential is looked at
      return refused(addressRefusal(verdict, op));
    }
    if (op.lifecycle().isPresent()) { // a retired version answers 410 to anyone, unmetered
      Optional<Decision> retired = Versions.retired(op, now, catalog);
      if (retired.isPresent()) {
        return refused(retired.get());
      }
    }
    Decision d = identification.identify(op, request, now);
    if (!d.admitted() && d.error().orElseThrow().status() == 401) {
      shield.failed(request.remoteAddress(), now, verdict.allowed()); // spends the address's budget, counts to a ban
    }
    for (AdmissionStage stage : stages) {
      if (!d.admitted()) {
        return refused(d);
      }
      d = stage.admit(op, request, d);
    }
    if (!d.admitted()) {
      return refused(d);
    }
    return limits.check(d, op, request, now);
  }

  void complete(Admission admission, LimitStep.Outcome outcome, int status, long bytesIn, long bytesOut, long cpuNanos,
      long startNanos) {
    long duration = Math.max(0, time.epochNanos() - startNanos);
    limits.release(outcome);
    for (AdmissionStage stage : stages) {
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
