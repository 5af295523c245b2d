package dev.monetize.limits.internal;

import dev.monetize.limits.LimitRequest;

/**
 * A store that counts quotas in this process's memory (the in-memory store): after a restart the
 * engine gives each quota back what the usage ledger holds of the calls made in its window before
 * this process started.
 */
public interface RestorableQuotas {
  /**
   * Raises the units {@code quota} has used in its window that holds {@code now} to at least
   * {@code used}; never lowers them. The ledger's count and this process's are both parts of the
   * truth, so the larger of the two never counts a call twice, however often it is restored.
   *
   * @param quota a request whose policy is a {@link dev.monetize.limits.QuotaPolicy}
   * @param used the units the ledger holds for the window
   * @param now the current time, epoch nanoseconds
   */
  void restoreAtLeast(LimitRequest quota, long used, long now);
}
