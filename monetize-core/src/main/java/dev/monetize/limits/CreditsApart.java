package dev.monetize.limits;

/**
 * A limiter store that keeps credit balances apart (in a database, say) and every other limit in
 * the store {@link #limits()} returns: the engine charges a call that has no price to pay there
 * directly, with that store's own fast path (the in-memory store's allocation-free one).
 */
public interface CreditsApart extends LimiterStore {
  /** The store holding every limit but the credit balances. */
  LimiterStore limits();

  /** What the store of the other limits counts (its fallback's decisions, its late charges). */
  @Override
  default StoreCounters counters() {
    return limits().counters();
  }
}
