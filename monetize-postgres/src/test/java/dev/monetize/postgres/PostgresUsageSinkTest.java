package dev.monetize.postgres;

import dev.monetize.metering.UsageSink;
import dev.monetize.testkit.UsageSinkContract;
import java.time.Instant;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The usage sink contract on the PostgreSQL ledger. */
class PostgresUsageSinkTest extends UsageSinkContract {
  @RegisterExtension
  static final PostgresSchema SCHEMA = new PostgresSchema();

  @Override
  protected UsageSink sink() {
    return new PostgresUsageLedger(SCHEMA.open().dataSource());
  }

  @Override
  protected long callsStored(UsageSink sink, String customerId) {
    return ((PostgresUsageLedger) sink).calls(customerId, Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"));
  }
}
