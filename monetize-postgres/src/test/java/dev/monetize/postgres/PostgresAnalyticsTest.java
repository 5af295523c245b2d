package dev.monetize.postgres;

import dev.monetize.ManualTimeSource;
import dev.monetize.Monetize;
import dev.monetize.insight.AnalyticsTest;
import dev.monetize.keys.ApiKeys;
import dev.monetize.keys.KeyEnvironment;
import java.security.SecureRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The margins of the fixed usage set read from the PostgreSQL ledger: the same as from memory. */
class PostgresAnalyticsTest {
  private String url;
  private PostgresStore db;

  @BeforeEach
  void open() {
    url = PostgresTestSupport.freshSchema();
    db = PostgresStore.connect(url);
  }

  @AfterEach
  void close() {
    db.close();
    PostgresTestSupport.drop(url);
  }

  @Test
  void theLedgerInPostgresGivesTheMarginsWorkedOutByHand() throws Exception {
    ManualTimeSource time = ManualTimeSource.at(java.time.Instant.parse("2026-11-10T01:00:00Z"));
    String operator = ApiKeys.newSecret(KeyEnvironment.LIVE, new SecureRandom());
    try (Monetize m = AnalyticsTest.engine(Monetize.builder().usageSink(new PostgresUsageLedger(db.dataSource()))
        .customerStore(db).keyStore(db), time, operator)) {
      AnalyticsTest.scenario(m, time);
      AnalyticsTest.assertMargins(AnalyticsTest.get(m,
          "/monetize/analytics/costs?from=2026-11-10T00:00:00Z&to=2026-11-11T00:00:00Z", operator));
    }
  }
}
