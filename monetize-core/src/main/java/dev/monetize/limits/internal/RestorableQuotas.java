package dev.monetize.limits.internal;

import dev.monetize.limits.LimitRequest;

/**
 * A store that counts quotas in this process's memory (the in-memory store): after a restart the
 * engine adds to each quota, once, what the usage ledger holds of the calls earlier runs made in its
 * window.
 */
public interface RestorableQuotas {
  /**
   * Adds {@code units} to what {@code quota} has used in its window that holds {@code now}; nothing
   * when its cell has already moved on to a later window (the units belong to one that ended).
   *
   * @param quota a request whose policy is a {@link dev.monetize.limits.QuotaPolicy}
   * @param units what earlier runs used in the window, at least 0
   * @param now the current time, epoch nanoseconds
   */
  void restore(LimitRequest quota, long units, long now);
}
