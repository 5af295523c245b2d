package dev.monetize.docs;

// tag::postgres[]
import dev.monetize.Monetize;
import dev.monetize.plans.Catalog;
import dev.monetize.postgres.PostgresBillingHistory;
import dev.monetize.postgres.PostgresStore;
import dev.monetize.postgres.PostgresUsageLedger;
// end::postgres[]
// tag::credits[]
import dev.monetize.limits.LimiterStore;
import dev.monetize.postgres.PostgresCredits;
// end::credits[]

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

  /** Without Redis: limits in memory, prepaid balances in PostgreSQL. */
  static Monetize withCredits(Catalog catalog, PostgresStore db) {
    // tag::credits[]
    Monetize monetize = Monetize.builder().catalog(catalog)
        .keyStore(db).customerStore(db)
        .billingHistory(new PostgresBillingHistory(db.dataSource()))
        .limiterStore(PostgresCredits.over(LimiterStore.inMemory(), db.dataSource())) // balances outlive restarts
        .build();
    // end::credits[]
    return monetize;
  }
}
