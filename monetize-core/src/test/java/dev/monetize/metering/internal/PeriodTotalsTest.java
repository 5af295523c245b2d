package dev.monetize.metering.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.plans.Customer;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Period totals follow the customers of the current periods, not every customer ever seen. */
class PeriodTotalsTest {
  private static long nanos(String instant) {
    Instant i = Instant.parse(instant);
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  @Test
  void customersWhosePeriodEndedAreForgottenBySweeps() {
    PeriodTotals totals = new PeriodTotals();
    long november = nanos("2026-11-20T10:00:00Z");
    for (int i = 0; i < 1_000; i++) {
      totals.of(Customer.of("c" + i, "pro"), november).add("pro", "stats", 0, 10, 1_000, 0);
    }
    totals.of(Customer.of("active", "pro"), nanos("2026-12-02T10:00:00Z")).add("pro", "stats", 0, 10, 1_000, 0);
    assertThat(totals.size()).isEqualTo(1_001);
    totals.sweep(november); // the first sweep: nothing has ended yet
    assertThat(totals.size()).isEqualTo(1_001);
    totals.sweep(nanos("2026-12-02T10:00:00Z"));
    assertThat(totals.size()).isEqualTo(1); // November's customers went; the one active in December stays
    assertThat(totals.of(Customer.of("active", "pro"), nanos("2026-12-02T10:00:00Z")).requests.sum()).isEqualTo(1);
    totals.of(Customer.of("late", "pro"), november).add("pro", "stats", 0, 10, 1_000, 0);
    totals.sweep(nanos("2026-12-02T10:30:00Z"));
    assertThat(totals.size()).isEqualTo(2); // at most one sweep an hour
    totals.sweep(nanos("2026-12-02T11:00:01Z"));
    assertThat(totals.size()).isEqualTo(1);
  }
}
