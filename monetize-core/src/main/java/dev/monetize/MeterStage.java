package dev.monetize;

import dev.monetize.metering.internal.UsageMeter;

/** The metering stage: every admitted call is recorded (journaled first, when there is a journal). */
final class MeterStage extends AdmissionStage {
  private final UsageMeter meter;

  MeterStage(UsageMeter meter) {
    this.meter = meter;
  }

  @Override
  public void complete(Admission admission, int status, long bytesIn, long bytesOut, long cpuNanos, long startNanos,
      long durationNanos) {
    if (!admission.admitted()) {
      return;
    }
    Principal p = admission.principal().orElseThrow();
    meter.record(p.customerId(), p.keyId(), admission.operation().id(), status, admission.overage(), bytesIn, bytesOut,
        durationNanos,
        cpuNanos, admission.reportedUnits(), startNanos + durationNanos);
  }
}
