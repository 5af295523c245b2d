package dev.monetize;

import dev.monetize.billing.BillingHistory;
import dev.monetize.limits.CreditsApart;
import dev.monetize.limits.LimiterStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the builder warns of when its stores do not fit together: state kept in this process's
 * memory beside a history that outlives it or that other nodes share. (The defaults' classes are
 * package-private in their packages: they are named here.)
 */
final class StoreWarnings {
  private static final Logger LOG = LoggerFactory.getLogger(Monetize.class);
  private static final String IN_MEMORY_LIMITS = "dev.monetize.limits.InMemoryLimiterStore";

  private StoreWarnings() {}

  /**
   * Logs a warning for each mismatch of {@code limits} and {@code history}; {@code ledger} when
   * usage goes to a ledger that outlives the process (quotas in memory are restored from it).
   */
  static void of(LimiterStore limits, BillingHistory history, boolean ledger) {
    if (limits.getClass().getName().equals(IN_MEMORY_LIMITS)
        && !history.getClass().getName().equals("dev.monetize.billing.InMemoryBillingHistory")) {
      LOG.warn("prepaid balances are kept in memory while the wallet's history is kept by {}: a restart reads every "
          + "balance as 0; keep them in a store that outlives the process (RedisLimiterStore, or "
          + "PostgresCredits.over(LimiterStore.inMemory(), dataSource))", history.getClass().getSimpleName());
    }
    LimiterStore counting = limits instanceof CreditsApart apart ? apart.limits() : limits;
    if (counting.getClass().getName().equals(IN_MEMORY_LIMITS) && history.shared()) {
      LOG.warn("rate limits and quotas are counted in this process's memory while the billing history ({}) is shared "
          + "with other nodes: each node admits a customer's whole quota{}; count "
          + "them once for every node in Redis (RedisLimiterStore)", history.getClass().getSimpleName(),
          ledger ? "" : ", and a restart counts from zero again");
    }
  }
}
