package dev.monetize;

import dev.monetize.plans.Operation;

/**
 * One stage of the admission pipeline. {@link AdmissionPipeline} runs its stages in order before the endpoint
 * (identify, authorize; then the limits, which reserve and so are released after) and again, in the
 * same order, once the answer is sent (meter, audit). A new capability (shield, cache, version)
 * is one more stage in that list; the facade does not change.
 *
 * <p>Stages are on the request path: they allocate as little as they can and never block on I/O in
 * the in-memory configuration. A class rather than an interface: the pipeline calls only the stages
 * that override a step, and a virtual call through several of them is cheaper than an interface's.
 */
abstract class AdmissionStage {
  /**
   * Before the endpoint runs, while the request is admitted so far: {@code decision} itself to go
   * on (or an admitted one that carries more, such as the principal), or a refusal, which ends the
   * pipeline.
   */
  Decision admit(Operation operation, ApiRequest request, Decision decision) {
    return decision;
  }

  /**
   * After the answer was sent, admitted or refused. Never throws: a failure is the stage's to log.
   *
   * @param admission the request and its decision
   * @param status the status sent
   * @param bytesIn request body bytes read
   * @param bytesOut response body bytes sent
   * @param cpuNanos CPU time of the request thread, 0 when not measured
   * @param startNanos when admission started (epoch nanoseconds)
   * @param durationNanos from admission to completion
   */
  void complete(Admission admission, int status, long bytesIn, long bytesOut, long cpuNanos, long startNanos,
      long durationNanos) {
  }

  /** Whether {@code stage} overrides {@code method} (one of this class's): the steps the pipeline calls on it. */
  static boolean overrides(AdmissionStage stage, String method) {
    for (Class<?> c = stage.getClass(); c != AdmissionStage.class; c = c.getSuperclass()) {
      for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
        if (m.getName().equals(method) && !m.isSynthetic() && !m.isBridge()) {
          return true;
        }
      }
    }
    return false;
  }
}
