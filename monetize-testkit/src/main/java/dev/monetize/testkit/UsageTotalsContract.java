package dev.monetize.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.metering.UsageRecord;
import dev.monetize.metering.UsageSink;
import dev.monetize.metering.UsageTotals;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link UsageTotals} must answer about the records its sink accepted: sums over the
 * records that started in {@code [from, to)}, per customer, per operation, each record once.
 *
 * <pre>{@code
 * class MyLedgerTotalsTest extends UsageTotalsContract {
 *   protected Ledger ledger() { var l = new MyLedger(dataSource); return new Ledger(l, l); }
 * }
 * }</pre>
 */
public abstract class UsageTotalsContract {
  /** For the implementation's test class. */
  protected UsageTotalsContract() {}

  /**
   * A sink and the totals over what it stored (usually one object).
   *
   * @param sink where records go
   * @param totals what is read back
   */
  public record Ledger(UsageSink sink, UsageTotals totals) {}

  /** The ledger under test; called once per test. */
  protected abstract Ledger ledger();

  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

  private static UsageRecord record(String customer, String operation, int second, long calls) {
    return new UsageRecord(customer, "key_1", operation, 200, false, T0.plusSeconds(second),
        T0.plusSeconds(second + 1), calls, 2 * calls, 3 * calls, 4_000 * calls, 5_000 * calls, Map.of());
  }

  private static String customer() {
    return "c_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  }

  @Test
  void totalsSumEveryMeasureOfTheRecordsInTheWindow() throws Exception {
    Ledger l = ledger();
    String c = customer();
    l.sink().accept(List.of(record(c, "stats", 0, 2), record(c, "export", 5, 3), record(customer(), "stats", 1, 100)));
    UsageTotals.Totals t = l.totals().totals(c, T0, T0.plusSeconds(60));
    assertThat(t.requests()).isEqualTo(5);
    assertThat(t.bytesIn()).isEqualTo(10);
    assertThat(t.bytesOut()).isEqualTo(15);
    assertThat(t.computeMillis()).isEqualTo(20);
    assertThat(t.cpuMillis()).isEqualTo(25);
    assertThat(t.byOperation()).isEqualTo(Map.of("stats", 2L, "export", 3L));
  }

  @Test
  void quantitiesArePerOperationAndUnitCustomUnitsToo() throws Exception {
    Ledger l = ledger();
    String c = customer();
    UsageRecord withRows = new UsageRecord(c, "key_1", "export", 200, false, T0, T0.plusSeconds(1), 1, 0, 7, 1_500, 0,
        Map.of("rows_scanned", 1_000L));
    l.sink().accept(List.of(record(c, "stats", 0, 2), withRows, new UsageRecord(c, "key_2", "export", 200, false,
        T0.plusSeconds(2), T0.plusSeconds(3), 1, 0, 3, 1_600, 0, Map.of("rows_scanned", 500L))));
    UsageTotals.Totals t = l.totals().totals(c, T0, T0.plusSeconds(60));
    assertThat(t.quantities().get("stats")).containsEntry("calls", 2L).containsEntry("bytes_in", 4L)
        .containsEntry("bytes_out", 6L).containsEntry("compute_ms", 8L).containsEntry("cpu_ms", 10L);
    assertThat(t.quantities().get("export")).containsEntry("calls", 2L).containsEntry("bytes_out", 10L)
        .containsEntry("compute_ms", 3L) // 1,500 + 1,600 microseconds, truncated once
        .containsEntry("rows_scanned", 1_500L);
    assertThat(t.quantity("export", "rows_scanned")).isEqualTo(1_500);
    assertThat(t.quantity("stats", "rows_scanned")).isZero();
  }

  @Test
  void theWindowIncludesItsStartAndExcludesItsEnd() throws Exception {
    Ledger l = ledger();
    String c = customer();
    l.sink().accept(List.of(record(c, "stats", 0, 1), record(c, "stats", 10, 10), record(c, "stats", 20, 100)));
    assertThat(l.totals().totals(c, T0, T0.plusSeconds(20)).requests()).isEqualTo(11);
    assertThat(l.totals().totals(c, T0.plusSeconds(10), T0.plusSeconds(21)).requests()).isEqualTo(110);
    assertThat(l.totals().totals(c, T0.plusSeconds(30), T0.plusSeconds(40)).requests()).isZero();
  }

  @Test
  void aReDeliveredRecordIsCountedOnce() throws Exception {
    Ledger l = ledger();
    String c = customer();
    List<UsageRecord> batch = List.of(record(c, "stats", 0, 7));
    l.sink().accept(batch);
    l.sink().accept(batch);
    assertThat(l.totals().totals(c, T0, T0.plusSeconds(60)).requests()).isEqualTo(7);
  }

  @Test
  void aBatchOfRangesAnswersEachAsItIsReadAloneInOrder() throws Exception {
    Ledger l = ledger();
    String a = customer();
    String b = customer();
    l.sink().accept(List.of(record(a, "stats", 0, 1), record(a, "export", 10, 10), record(b, "stats", 10, 100),
        new UsageRecord(b, "key_1", "export", 200, false, T0.plusSeconds(20), T0.plusSeconds(21), 1, 0, 7, 1_500, 0,
            Map.of("rows_scanned", 1_000L))));
    java.util.List<UsageTotals.Range> ranges = new java.util.ArrayList<>();
    for (int i = 0; i < 1_100; i++) { // more than one round trip of a ledger that batches by the thousand
      String c = i % 3 == 0 ? a : i % 3 == 1 ? b : customer();
      ranges.add(new UsageTotals.Range(c, T0.plusSeconds(i % 25), T0.plusSeconds(i % 25 + i % 7)));
    }
    ranges.add(new UsageTotals.Range(a, T0, T0.plusSeconds(60))); // the same range twice: counted in each
    ranges.add(new UsageTotals.Range(a, T0, T0.plusSeconds(60)));
    java.util.List<UsageTotals.Totals> batch = l.totals().totals(ranges);
    assertThat(batch).hasSize(ranges.size());
    for (int i = 0; i < ranges.size(); i++) {
      UsageTotals.Range r = ranges.get(i);
      assertThat(batch.get(i)).as("range %d: %s", i, r).isEqualTo(l.totals().totals(r.customerId(), r.from(), r.to()));
    }
    assertThat(batch.get(ranges.size() - 1).requests()).isEqualTo(11);
    assertThat(l.totals().totals(List.of(new UsageTotals.Range(b, T0, T0.plusSeconds(60)))).get(0)
        .quantity("export", "rows_scanned")).isEqualTo(1_000);
    assertThat(l.totals().totals(List.of())).isEmpty();
  }

  /**
   * A ledger that keeps calls per key (optional: {@link UsageTotals#callsPerKey} may answer empty)
   * answers them as its totals do: the records that started in the window, each once.
   */
  @Test
  void callsPerKeyAreThoseOfTheTotalsSplitByKey() throws Exception {
    Ledger l = ledger();
    String c = customer();
    List<UsageRecord> batch = List.of(record(c, "stats", 0, 2), record(c, "export", 5, 3),
        new UsageRecord(c, "key_2", "stats", 429, false, T0.plusSeconds(6), T0.plusSeconds(7), 4, 0, 0, 0, 0, Map.of()),
        record(c, "stats", 60, 50), record(c, "stats", -1, 70), record(customer(), "stats", 1, 100));
    l.sink().accept(batch);
    l.sink().accept(batch.subList(0, 1));
    java.util.Optional<Map<String, Map<String, Long>>> perKey = l.totals().callsPerKey(c, T0, T0.plusSeconds(60));
    if (perKey.isEmpty()) {
      return; // this ledger does not keep them: quotas per key count from zero after a restart
    }
    assertThat(perKey.get()).isEqualTo(Map.of("key_1", Map.of("stats", 2L, "export", 3L), "key_2", Map.of("stats", 4L)));
    assertThat(l.totals().callsPerKey(customer(), T0, T0.plusSeconds(60))).contains(Map.of());
  }

  @Test
  void anUnknownCustomerHasZeroTotals() {
    UsageTotals.Totals t = ledger().totals().totals(customer(), T0, T0.plusSeconds(60));
    assertThat(t.requests()).isZero();
    assertThat(t.byOperation()).isEmpty();
  }
}
