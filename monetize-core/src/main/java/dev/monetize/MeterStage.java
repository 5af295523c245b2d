package dev.monetize;

import dev.monetize.metering.internal.PeriodTotals;
import dev.monetize.metering.internal.UsageMeter;

/** The metering stage: every admitted call is recorded (journaled first, when there is a journal). */
final class MeterStage implements AdmissionStage {
  private final UsageMeter meter;
  private final PeriodTotals periods;

  MeterStage(UsageMeter meter, PeriodTotals periods) {
    this.meter = meter;
    this.periods = periods;
  }

  @Override
  public void complete(Admission admission, int status, long bytesIn, long bytesOut, long cpuNanos, long startNanos,
      long durationNanos) {
    Decision d = admission.decision();
    if (!d.admitted()) {
      return;
    }
    Principal p = d.principal().orElseThrow();
    meter.record(p.customerId(), p.keyId(), d.operation().id(), status, d.overage(), bytesIn, bytesOut, durationNanos,
        cpuNanos, admission.reportedUnits());
    periods.of(p.customer(), startNanos).add(p.plan().name(), d.operation().id(), bytesIn, bytesOut, durationNanos,
        cpuNanos);
  }
}
