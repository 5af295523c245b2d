package dev.monetize.docs;

// tag::postgres[]
import dev.monetize.Monetize;
import dev.monetize.plans.Catalog;
import dev.monetize.postgres.PostgresBillingHistory;
import dev.monetize.postgres.PostgresStore;
import dev.monetize.postgres.PostgresUsageLedger;
// end::postgres[]

/** docs/postgres.md: every PostgreSQL store of one database. */
final class PostgresSetup {
  private PostgresSetup() {}

  static Monetize build(Catalog catalog) {
    // tag::postgres[]
    PostgresStore db = PostgresStore.connect("jdbc:postgresql://127.0.0.1:5432/test?user=postgres"); // migrates
    Monetize monetize = Monetize.builder().catalog(catalog)
        .keyStore(db)                                                  // organizations, projects, keys
        .customerStore(db)
        .usageSink(new PostgresUsageLedger(db.dataSource()))          // the usage ledger (answers totals)
        .billingHistory(new PostgresBillingHistory(db.dataSource()))  // wallets and plan changes
        .build();
    // end::postgres[]
    return monetize;
  }
}
