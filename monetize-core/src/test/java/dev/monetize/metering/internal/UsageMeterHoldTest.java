package dev.monetize.metering.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.ManualTimeSource;
import dev.monetize.metering.UsageRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A plan change holds the meter's open interval from its instant to its cut: deliveries meanwhile
 * neither wait nor take it (readers and the flusher go on), the cut ends it exactly at the change's
 * instant, and closing delivers everything whatever is held.
 */
class UsageMeterHoldTest {
  private final ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-03-02T00:07:30Z"));
  private final List<UsageRecord> delivered = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final UsageMeter meter = new UsageMeter(delivered::addAll, time, Optional.empty(), batch -> {});

  @Test
  void aHeldIntervalStaysOpenUntilTheCutWhichEndsItAtTheChangesInstant() {
    meter.record("acme", "key_1", "stats", 200, false, 10, 1_000);
    time.advance(Duration.ofMillis(5));
    Instant since = meter.hold();
    time.advance(Duration.ofMillis(3));
    meter.record("acme", "key_1", "stats", 200, false, 10, 1_000); // after the instant, before the cut
    assertThat(meter.flush()).as("a delivery during the hold returns").isTrue();
    assertThat(delivered).as("the open interval stays open").isEmpty();
    meter.cutAt(since);
    meter.release();
    time.advance(Duration.ofMillis(2));
    meter.record("acme", "key_1", "stats", 200, false, 10, 1_000); // after the cut
    meter.flush();
    assertThat(delivered).extracting(UsageRecord::to).contains(since);
    assertThat(delivered).filteredOn(r -> r.to().equals(since)).extracting(UsageRecord::calls).containsExactly(2L);
    assertThat(delivered).filteredOn(r -> r.from().equals(since)).extracting(UsageRecord::calls).containsExactly(1L);
  }

  @Test
  void closingDeliversWhatAChangeHolds() {
    UsagePipeline usage = new UsagePipeline(delivered::addAll, time, Optional.empty(), dev.monetize.metering.FsyncPolicy.always(),
        Duration.ofHours(1), id -> Optional.empty(), (id, from, to) -> List.of());
    usage.meter().record("acme", "key_1", "stats", 200, false, 10, 1_000);
    usage.meter().hold(); // a save still in flight at shutdown
    usage.close();
    assertThat(delivered).extracting(UsageRecord::calls).containsExactly(1L);
  }
}
