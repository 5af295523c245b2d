package dev.monetize.metering;

/**
 * Lets an endpoint add custom usage units to the call it is serving (e.g. rows scanned), metered
 * with the call: adapters hand one to the endpoint (the servlet filter as the request attribute
 * {@code dev.monetize.usage}, the JAX-RS adapter through {@code MonetizeContext}).
 */
@FunctionalInterface
public interface UsageReporter {
  /**
   * Adds {@code amount} of {@code unit} (1-64 of {@code a-z 0-9 _ . -}) to this call's usage.
   *
   * @throws IllegalArgumentException for a bad unit name or a negative amount
   */
  void report(String unit, long amount);
}
