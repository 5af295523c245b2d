package dev.monetize.billing;

/** The contract on the in-memory default. */
class InMemoryBillingHistoryTest extends BillingHistoryContract {
  @Override
  protected BillingHistory history() {
    return BillingHistory.inMemory();
  }
}
