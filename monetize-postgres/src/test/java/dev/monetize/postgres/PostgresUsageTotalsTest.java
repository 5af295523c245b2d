package dev.monetize.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.metering.UsageRecord;
import dev.monetize.metering.UsageTotals;
import dev.monetize.testkit.UsageTotalsContract;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
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

  /**
   * A bound between two microseconds (PostgreSQL keeps microseconds) is rounded the same way in a
   * batch as alone: half up, as the JDBC driver rounds a timestamp (PostgreSQL would round the text
   * of an even microsecond's half down).
   */
  @Test
  void aBoundBetweenTwoMicrosecondsCutsABatchWhereItCutsOneRange() throws Exception {
    Ledger l = ledger();
    Instant even = Instant.parse("2026-11-24T10:00:00.000002Z");
    l.sink().accept(List.of(new UsageRecord("c_micros", "key_1", "stats", 200, false, even, even.plusSeconds(1), 3, 0,
        0)));
    for (Instant to : List.of(even.plusNanos(500), even.minusNanos(500), even.plusNanos(499), even.minusNanos(501))) {
      long alone = l.totals().totals("c_micros", even.minusSeconds(1), to).requests();
      assertThat(l.totals().totals(List.of(new UsageTotals.Range("c_micros", even.minusSeconds(1), to))).get(0)
          .requests()).as("to %s", to).isEqualTo(alone);
    }
    assertThat(l.totals().totals("c_micros", even.minusSeconds(1), even.plusNanos(500)).requests()).isEqualTo(3);
  }
}
