package dev.monetize.plans;

/**
 * What a limit does when its shared store (e.g. Redis) cannot be reached in time.
 */
public enum StoreOutage {
  /**
   * Refuse with {@code 503 store_unavailable}: nothing is given away. The default for quotas and
   * prepaid credits, which customers pay for.
   */
  FAIL_CLOSED,
  /**
   * Admit, enforcing the limit per JVM with a local in-memory limiter until the store is back. The
   * default for rates and concurrency, which protect the service rather than bill it.
   */
  FAIL_OPEN
}
