package dev.monetize.testkit;

import dev.monetize.billing.BillingHistory;

/** The billing history contract on the in-memory default. */
class InMemoryBillingHistoryTest extends BillingHistoryContract {
  @Override
  protected BillingHistory history() {
    return BillingHistory.inMemory();
  }
}
