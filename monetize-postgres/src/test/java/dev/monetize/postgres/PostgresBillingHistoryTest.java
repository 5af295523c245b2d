package dev.monetize.postgres;

import dev.monetize.billing.BillingHistory;
import dev.monetize.testkit.BillingHistoryContract;
import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.billing.PlanChange;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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

  /**
   * A page of due changes never ends inside an instant: with pages of three, five customers moving at
   * one instant come in one page, and the next page, read after it, holds the rest.
   */
  @Test
  void aPageOfDueChangesEndsAtAWholeInstant() {
    history();
    PostgresBillingHistory h = new PostgresBillingHistory(db.dataSource(), 3);
    Instant at = Instant.parse("2026-12-01T00:00:00Z");
    for (int i = 0; i < 5; i++) {
      h.recordPlanChange(new PlanChange("c" + i, "pro", at));
    }
    h.recordPlanChange(new PlanChange("late", "pro", at.plusSeconds(1)));
    h.recordPlanChange(new PlanChange("later", "pro", at.plusSeconds(2)));
    h.recordPlanChange(new PlanChange("beyond", "pro", at.plusSeconds(60)));
    Instant upTo = at.plusSeconds(59);
    assertThat(h.changesDue(at.minusSeconds(1), upTo)).extracting(PlanChange::customerId)
        .containsExactly("c0", "c1", "c2", "c3", "c4");
    assertThat(h.changesDue(at, upTo)).extracting(PlanChange::customerId).containsExactly("late", "later");
    assertThat(h.changesDue(at.plusSeconds(2), upTo)).isEmpty();
    assertThat(h.changesDue(at.minusSeconds(1), at)).hasSize(5);
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
      PostgresTestSupport.drop(url);
    }
  }
}
