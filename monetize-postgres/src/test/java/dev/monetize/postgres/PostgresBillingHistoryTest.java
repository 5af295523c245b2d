package dev.monetize.postgres;

import dev.monetize.billing.BillingHistory;
import dev.monetize.testkit.BillingHistoryContract;
import org.junit.jupiter.api.AfterEach;

/** The billing history contract on PostgreSQL (a fresh schema per test: the contract reuses customer ids). */
class PostgresBillingHistoryTest extends BillingHistoryContract {
  private String url;
  private PostgresStore db;

  @Override
  protected BillingHistory history() {
    url = PostgresTestSupport.freshSchema();
    db = PostgresStore.connect(url);
    return new PostgresBillingHistory(db.dataSource());
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
      PostgresTestSupport.drop(url);
    }
  }
}
