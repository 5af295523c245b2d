package dev.monetize;

import dev.monetize.metering.internal.UsageMeter;

/** The metering stage: every admitted call is recorded (journaled first, when there is a journal). */
final class MeterStage extends AdmissionStage {
  private final UsageMeter meter;
  private final InFlightPlanChanges planChanges;

  MeterStage(UsageMeter meter, InFlightPlanChanges planChanges) {
    this.meter = meter;
    this.planChanges = planChanges;
  }

  @Override
  public void complete(Admission admission, int status, long bytesIn, long bytesOut, long cpuNanos, long startNanos,
      long durationNanos) {
    if (!admission.admitted()) {
      return;
    }
    Principal p = admission.principal().orElseThrow();
    long done = startNanos + durationNanos;
    if (done >= planChanges.dueNanos()) {
      planChanges.passDue(done); // a change admission follows came due: usage is cut there first
    }
    String billedOn = planChanges.enter(admission); // no plan change between reading it and recording the call
    try {
      meter.record(p.customerId(), p.keyId(), admission.operation().id(), status, admission.overage(), bytesIn,
          bytesOut, durationNanos, cpuNanos, admission.reportedUnits(), done);
    } finally {
      planChanges.exit();
    }
    if (!billedOn.isEmpty()) {
      planChanges.settle(admission, billedOn); // in flight across a plan change: the wallet follows the invoice
    }
  }
}
