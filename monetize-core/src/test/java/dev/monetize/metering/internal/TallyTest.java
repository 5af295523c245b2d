package dev.monetize.metering.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.monetize.metering.UsageRecord;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Usage sums are exact: a total past a long fails naming itself, never wraps into a negative quantity. */
class TallyTest {
  private static UsageRecord record(long calls, Map<String, Long> units) {
    Instant at = Instant.parse("2026-03-10T00:00:00Z");
    return new UsageRecord("acme", "k", "summary", 200, false, at, at.plusSeconds(1), calls, 0, 0, 0, 0, units);
  }

  @Test
  void sumsAreExactAndAnOverflowNamesTheUnit() {
    Tally t = new Tally();
    t.add(record(3, Map.of("rows", 5_000_000_000_000_000_000L)));
    t.add(record(4, Map.of("rows", 4_000_000_000_000_000_000L)));
    assertThat(t.totals().quantities().get("summary")).containsEntry("rows", 9_000_000_000_000_000_000L)
        .containsEntry("calls", 7L);
    assertThatThrownBy(() -> t.add(record(1, Map.of("rows", 1_000_000_000_000_000_000L))))
        .isInstanceOf(ArithmeticException.class).hasMessageContaining("'rows' on 'summary'");
    Tally calls = new Tally();
    calls.add(record(Long.MAX_VALUE, Map.of()));
    Tally more = new Tally();
    more.add(record(1, Map.of()));
    assertThatThrownBy(() -> calls.add(more)).hasMessageContaining("'calls' on 'summary'");
  }
}
