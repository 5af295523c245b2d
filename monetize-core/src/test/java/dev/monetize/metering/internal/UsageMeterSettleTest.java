package dev.monetize.metering.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.TimeSource;
import dev.monetize.metering.UsageRecord;
import dev.monetize.testing.Concurrently;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Readers settle usage before reading it: exact for each, but one delivery serves many. */
class UsageMeterSettleTest {
  private final List<UsageRecord> delivered = new CopyOnWriteArrayList<>();
  private final UsageMeter meter = new UsageMeter(delivered::addAll, TimeSource.system());

  private long calls() {
    return delivered.stream().mapToLong(UsageRecord::calls).sum();
  }

  @Test
  void aReaderSeesEveryCallRecordedBeforeItArrived() {
    meter.record("acme", "key_1", "stats", 200, false, 10, 1_000);
    meter.settle(System.nanoTime());
    assertThat(calls()).isEqualTo(1);
    meter.record("acme", "key_1", "stats", 200, false, 10, 1_000);
    meter.settle(System.nanoTime()); // inside the 100 ms gap: it waits, then delivers
    assertThat(calls()).isEqualTo(2);
  }

  @Test
  void manyReadersAtOnceShareOneDelivery() throws Exception {
    meter.record("acme", "key_1", "stats", 200, false, 10, 1_000);
    long before = meter.deliveriesStarted();
    long arrival = System.nanoTime();
    Concurrently.run(16, i -> meter.settle(arrival));
    assertThat(calls()).isEqualTo(1);
    assertThat(meter.deliveriesStarted() - before).as("deliveries for 16 readers").isEqualTo(1);
  }
}
