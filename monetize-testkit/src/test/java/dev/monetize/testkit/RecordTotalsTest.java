package dev.monetize.testkit;

import dev.monetize.metering.UsageRecord;
import dev.monetize.metering.UsageSink;
import dev.monetize.metering.UsageTotals;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The usage totals contract on {@link UsageTotals#of} (what the CLI rates a file with), behind a
 * sink that keeps each record once by its id, as a ledger does.
 */
class RecordTotalsTest extends UsageTotalsContract {
  @Override
  protected Ledger ledger() {
    Map<String, UsageRecord> byId = new java.util.LinkedHashMap<>();
    UsageSink sink = batch -> batch.forEach(r -> byId.putIfAbsent(r.id(), r));
    UsageTotals totals = new UsageTotals() {
      @Override
      public Totals totals(String customerId, Instant from, Instant to) {
        return UsageTotals.of(List.copyOf(byId.values())).totals(customerId, from, to);
      }

      @Override
      public List<Totals> totals(List<Range> ranges) {
        return UsageTotals.of(List.copyOf(byId.values())).totals(ranges);
      }

      @Override
      public Optional<Map<String, Map<String, Long>>> callsPerKey(String customerId, Instant from, Instant to) {
        return UsageTotals.of(List.copyOf(byId.values())).callsPerKey(customerId, from, to);
      }
    };
    return new Ledger(sink, totals);
  }
}
