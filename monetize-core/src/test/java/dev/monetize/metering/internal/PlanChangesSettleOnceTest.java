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
 * The plan changes a sweep applies together settle usage once for them all: a month's first sweep
 * moving thousands of customers does not wait out the 100 ms gap between deliveries for each.
 */
class PlanChangesSettleOnceTest {
  @Test
  void changesToldTogetherStartOneDelivery() {
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
      usage.planChanged(changes);
      assertThat(usage.meter().deliveriesStarted() - before).as("deliveries for 50 plan changes").isEqualTo(1);
      assertThat(delivered.stream().mapToLong(dev.monetize.metering.UsageRecord::calls).sum())
          .as("what was recorded before the changes is delivered").isEqualTo(50);
    } finally {
      usage.close();
    }
  }
}
