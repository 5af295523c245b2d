package dev.monetize.insight;

/**
 * SPI: told of every completed request, on the request's thread, after the engine's own
 * bookkeeping. Must be quick and must not throw (a listener that throws is logged and skipped).
 * Plan and operation names come from the catalog and the outcome is {@code admitted} or an error
 * code: bounded values, never a customer, key or address. Reported unit names are the endpoints'
 * (bound them before using them as tags, as the Micrometer binder does). The Micrometer binder is
 * one ({@code MonetizeMetrics}).
 *
 * <pre>{@code
 * monetize.addRequestListener((plan, operation, outcome, status, nanos) -> histogram.record(nanos));
 * }</pre>
 */
@FunctionalInterface
public interface RequestListener {
  /**
   * A request completed.
   *
   * @param plan the caller's plan, or {@code none} when the caller was never identified
   * @param operation the operation id
   * @param outcome {@code admitted}, or the error code of the refusal
   * @param status the HTTP status answered
   * @param durationNanos from admission to completion
   */
  void completed(String plan, String operation, String outcome, int status, long durationNanos);

  /**
   * An admitted call's reported units ({@code calls}, {@code cache_hits}, custom units), after
   * {@link #completed}; the default does nothing.
   */
  default void units(String plan, String operation, java.util.Map<String, Long> units) {
  }
}
