package dev.monetize.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.metering.UsageRecord;
import dev.monetize.postgres.PostgresStore;
import dev.monetize.postgres.PostgresUsageLedger;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code monetize ledger compact} on a real PostgreSQL: months rolled up, totals unchanged, bad input refused. */
class LedgerCommandsTest {
  @Test
  void compactsOldMonthsAndKeepsTheirTotals() throws Exception {
    String url = dev.monetize.postgres.PostgresTestSupport.freshSchema();
    try (PostgresStore db = PostgresStore.connect(url)) {
      PostgresUsageLedger ledger = new PostgresUsageLedger(db.dataSource());
      Instant jan = Instant.parse("2025-01-10T10:15:00Z");
      ledger.accept(List.of(new UsageRecord("acme", "k", "stats", 200, false, jan, jan.plusSeconds(1), 5, 10, 100),
          new UsageRecord("acme", "k", "stats", 200, false, jan.plusSeconds(86_400L * 40), jan.plusSeconds(86_400L * 40 + 1),
              2, 10, 100)));
      CliRun run = CliRun.of("ledger", "compact", "--jdbc", url, "--before", "2025-02");
      assertThat(run.code()).as(run.err()).isZero();
      assertThat(run.out()).contains("compacted 1 months: 2025-01");
      assertThat(ledger.calls("acme", Instant.EPOCH, Instant.parse("2030-01-01T00:00:00Z"))).isEqualTo(7);
      assertThat(CliRun.of("ledger", "compact", "--jdbc", url, "--before", "2025-02").out()).contains("nothing to compact");
    } finally {
      dev.monetize.postgres.PostgresTestSupport.drop(url);
    }
    CliRun month = CliRun.of("ledger", "compact", "--jdbc", url, "--before", "January");
    assertThat(month.code()).isEqualTo(2);
    assertThat(month.err()).contains("expected a month such as 2026-01");
    CliRun recent = CliRun.of("ledger", "compact", "--jdbc", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres",
        "--before", "2999-01");
    assertThat(recent.code()).isEqualTo(2);
    assertThat(recent.err()).contains("at least a month ago");
    // the database's own words, not only a SQL state
    CliRun noDatabase = CliRun.of("ledger", "compact", "--jdbc",
        "jdbc:postgresql://127.0.0.1:5432/monetize_no_such_db?user=postgres", "--before", "2025-02");
    assertThat(noDatabase.code()).isEqualTo(2);
    assertThat(noDatabase.err()).contains("monetize_no_such_db").contains("does not exist");
  }
}
