package dev.monetize.plans;

/** What a plan does once a quota is used up. Rates and concurrency limits always block. */
public enum Overage {
  /** Refuse with {@code 429 quota_exhausted}. The default. */
  BLOCK,
  /** Admit and mark the usage as overage, to be billed at the overage price. */
  BILL,
  /**
   * Admit in degraded mode: the decision says so ({@code Decision#degraded()}), and the endpoint
   * answers with cheaper data (cached, sampled, coarser).
   */
  DEGRADE
}
