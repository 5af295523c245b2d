package dev.monetize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.plans.Operation;
import org.junit.jupiter.api.Test;

/** The pipeline calls a stage for the steps it overrides, its own or inherited, and for no other. */
class AdmissionStageTest {
  private static class Admits extends AdmissionStage {
    @Override
    public Decision admit(Operation operation, ApiRequest request, Decision decision) {
      return decision;
    }
  }

  private static final class InheritsAdmit extends Admits {
  }

  private static final class Completes extends AdmissionStage {
    @Override
    public void complete(Admission admission, int status, long bytesIn, long bytesOut, long cpuNanos,
        long startNanos, long durationNanos) {
    }
  }

  private static final class Nothing extends AdmissionStage {
  }

  @Test
  void aStageIsCalledForTheStepsItOverrides() {
    assertThat(AdmissionStage.overrides(new Admits(), "admit")).isTrue();
    assertThat(AdmissionStage.overrides(new Admits(), "complete")).isFalse();
    assertThat(AdmissionStage.overrides(new Completes(), "complete")).isTrue();
    assertThat(AdmissionStage.overrides(new Completes(), "admit")).isFalse();
    assertThat(AdmissionStage.overrides(new Nothing(), "admit")).isFalse();
    assertThat(AdmissionStage.overrides(new Nothing(), "complete")).isFalse();
  }

  @Test
  void anOverrideInheritedFromAnotherStageCounts() {
    assertThat(AdmissionStage.overrides(new InheritsAdmit(), "admit")).isTrue();
    assertThat(AdmissionStage.overrides(new InheritsAdmit(), "complete")).isFalse();
  }
}
