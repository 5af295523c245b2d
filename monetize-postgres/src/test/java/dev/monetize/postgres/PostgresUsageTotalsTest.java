package dev.monetize.postgres;

import dev.monetize.testkit.UsageTotalsContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The usage totals contract on the PostgreSQL ledger. */
class PostgresUsageTotalsTest extends UsageTotalsContract {
  @RegisterExtension
  static final PostgresSchema SCHEMA = new PostgresSchema();

  @Override
  protected Ledger ledger() {
    PostgresUsageLedger ledger = new PostgresUsageLedger(SCHEMA.open().dataSource());
    return new Ledger(ledger, ledger);
  }
}
