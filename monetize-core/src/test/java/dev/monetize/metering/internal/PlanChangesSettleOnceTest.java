package dev.monetize.metering.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.TimeSource;
import dev.monetize.billing.PlanChange;
import dev.monetize.metering.FsyncPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The plan changes a sweep applies together cut usage once for them all, without a delivery: a
 * month's first sweep moving thousands of customers neither waits out the 100 ms gap between
 * deliveries for each nor calls the sink while the engine holds back completing calls.
 */
class PlanChangesSettleOnceTest {
  @Test
  void changesToldTogetherCutOnceAndDeliverWithTheNextDelivery() {
    List<dev.monetize.metering.UsageRecord> delivered = new java.util.concurrent.CopyOnWriteArrayList<>();
    UsagePipeline usage = new UsagePipeline(delivered::addAll, TimeSource.system(), Optional.empty(), FsyncPolicy.always(),
        Duration.ofHours(1), id -> Optional.empty(), (id, from, to) -> List.of());
    try {
      List<PlanChange> changes = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        usage.meter().record("c" + i, "key_1", "stats", 200, false, 10, 1_000);
        changes.add(new PlanChange("c" + i, "pro", Instant.now()));
      }
      long before = usage.meter().deliveriesStarted();
      usage.cutLedger(changes); // as the engine tells them: the ledger's slices, then the meter's cut
      usage.cutMeter(changes);
      assertThat(usage.meter().deliveriesStarted() - before).as("deliveries for 50 plan changes").isZero();
      usage.meter().record("c0", "key_1", "stats", 200, false, 10, 1_000);
      usage.flush();
      Instant last = changes.get(changes.size() - 1).since();
      assertThat(delivered).filteredOn(r -> r.to().equals(last))
          .as("what was recorded before the changes is delivered in an interval ending at the last of them")
          .extracting(dev.monetize.metering.UsageRecord::calls).hasSize(50).containsOnly(1L);
      assertThat(delivered).filteredOn(r -> !r.from().isBefore(last))
          .as("what was recorded after them, in an interval starting there")
          .extracting(dev.monetize.metering.UsageRecord::customerId).containsExactly("c0");
    } finally {
      usage.close();
    }
  }
}
