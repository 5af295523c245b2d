package dev.monetize.limits;

/**
 * What a {@link LimiterStore} counts of its own work that the engine cannot see from outside: the
 * decisions a failover store's fallback took while its primary was out, and the charges of answers
 * a shared store gave too late (the request was answered without them: {@code 503}, or by the
 * fallback). The engine reports them in {@code MetricsSnapshot} and the Micrometer binder. A store
 * that keeps none answers {@link #NONE}.
 *
 * <pre>{@code
 * StoreCounters c = store.counters();
 * if (c.lateChargesStanding() > 0) { ... } // charges for requests the service refused
 * }</pre>
 *
 * @param fallbackDecisions requests decided by the fallback store because the primary was unreachable
 * @param lateChargesReturned charges whose reply came after the caller gave up, given back
 * @param lateChargesStanding charges whose reply came after the caller gave up and that could not be
 *     given back (the reply never came, or the refund failed): each is logged
 */
public record StoreCounters(long fallbackDecisions, long lateChargesReturned, long lateChargesStanding) {
  /** A store that counts nothing of its own. */
  public static final StoreCounters NONE = new StoreCounters(0, 0, 0);

  /** Validates: counts are never negative. */
  public StoreCounters {
    if (fallbackDecisions < 0 || lateChargesReturned < 0 || lateChargesStanding < 0) {
      throw new IllegalArgumentException("store counters cannot be negative, got " + fallbackDecisions + ", "
          + lateChargesReturned + ", " + lateChargesStanding);
    }
  }
}
