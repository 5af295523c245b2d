package dev.monetize;

import dev.monetize.errors.ErrorCode;
import dev.monetize.insight.RequestListener;
import dev.monetize.insight.internal.CustomerSignals;
import dev.monetize.insight.internal.SlaBook;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The insight stage: each completed request counts toward its plan's SLA day and its customer's
 * signals, and is told to the request listeners (the metrics binder). Allocates nothing once a
 * plan's day and a customer are known.
 */
final class InsightStage extends AdmissionStage {
  private static final Logger LOG = LoggerFactory.getLogger(InsightStage.class);
  /** The plan of a caller never identified. */
  static final String NO_PLAN = "none";

  private final SlaBook sla;
  private final CustomerSignals customers = new CustomerSignals();
  private final CopyOnWriteArrayList<RequestListener> listeners = new CopyOnWriteArrayList<>();
  private volatile RequestListener[] snapshot = new RequestListener[0];

  /** A stage measuring each plan against its SLA in {@code catalog}. */
  InsightStage(dev.monetize.plans.Catalog catalog) {
    this.sla = new SlaBook(plan -> catalog.sla(plan).map(t -> new long[] {
        t.latencyP99().map(d -> d.toNanos() / 1_000).orElse(Long.MAX_VALUE),
        t.latencyP50().map(d -> d.toNanos() / 1_000).orElse(Long.MAX_VALUE)})
        .orElse(new long[] {Long.MAX_VALUE, Long.MAX_VALUE}));
  }

  SlaBook sla() {
    return sla;
  }

  CustomerSignals customers() {
    return customers;
  }

  void add(RequestListener l) {
    listeners.add(l);
    snapshot = listeners.toArray(new RequestListener[0]);
  }

  void remove(RequestListener l) {
    listeners.remove(l);
    snapshot = listeners.toArray(new RequestListener[0]);
  }

  @Override
  public void complete(Admission admission, int status, long bytesIn, long bytesOut, long cpuNanos, long startNanos,
      long durationNanos) {
    ErrorCode code = admission.error().orElse(null);
    boolean admitted = code == null;
    String operation = admission.operation().id();
    String plan = NO_PLAN;
    Optional<Principal> principal = admission.principal();
    if (principal.isPresent()) {
      Principal p = principal.get();
      plan = p.plan().name();
      // a key's own restriction is no sign that a bigger plan would serve the customer better
      customers.record(p.customerId(), plan, operation, status,
          code != null && admission.refusedByKeysOwnLimits() ? null : code);
      if (admitted || status >= 500) { // a limit's refusal is the plan working; a 5xx is the service failing
        sla.record(plan, startNanos, durationNanos / 1_000, status, admitted);
      }
    }
    RequestListener[] ls = snapshot;
    if (ls.length > 0) {
      String outcome = code == null ? "admitted" : code.code();
      for (RequestListener l : ls) {
        try {
          l.completed(plan, operation, outcome, status, durationNanos);
          if (admitted) {
            l.units(plan, operation, admission.reportedUnits());
          }
        } catch (RuntimeException e) {
          LOG.warn("request listener {} failed: {}", l.getClass().getName(), e.toString());
        }
      }
    }
  }
}
