package dev.monetize.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.metering.UsageRecord;
import dev.monetize.metering.UsageSink;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link UsageSink} must do: keep every record it accepted, and count a record once
 * however often it is delivered (the engine re-delivers after a failure or a crash, with the same
 * {@link UsageRecord#id()}), also under concurrent deliveries.
 *
 * <pre>{@code
 * class MyLedgerTest extends UsageSinkContract {
 *   protected UsageSink sink() { return new MyLedger(dataSource); }
 *   protected long callsStored(UsageSink sink, String customerId) { return ((MyLedger) sink).calls(customerId); }
 * }
 * }</pre>
 */
public abstract class UsageSinkContract {
  /** For the implementation's test class. */
  protected UsageSinkContract() {}

  /** The sink under test; called once per test. */
  protected abstract UsageSink sink();

  /** How many calls of {@code customerId} the sink's backend holds, read from the backend itself. */
  protected abstract long callsStored(UsageSink sink, String customerId) throws Exception;

  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

  /** A record of {@code calls} calls for {@code customer}, the {@code n}-th second after T0. */
  protected static UsageRecord record(String customer, int n, long calls) {
    return new UsageRecord(customer, "key_1", "stats", 200, false, T0.plusSeconds(n), T0.plusSeconds(n + 1), calls,
        10 * calls, 100 * calls, 1_000 * calls, 50 * calls, Map.of("rows", calls));
  }

  private static String customer() {
    return "c_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  }

  @Test
  void everyAcceptedRecordIsStored() throws Exception {
    UsageSink s = sink();
    String c = customer();
    s.accept(List.of(record(c, 0, 3), record(c, 1, 4)));
    s.accept(List.of(record(c, 2, 5)));
    assertThat(callsStored(s, c)).isEqualTo(12);
  }

  @Test
  void anEmptyBatchIsAccepted() throws Exception {
    UsageSink s = sink();
    String c = customer();
    s.accept(List.of());
    assertThat(callsStored(s, c)).isZero();
  }

  @Test
  void aReDeliveredBatchIsCountedOnce() throws Exception {
    UsageSink s = sink();
    String c = customer();
    List<UsageRecord> batch = List.of(record(c, 0, 3), record(c, 1, 4));
    s.accept(batch);
    s.accept(batch);
    // a later batch that overlaps the first (a partial re-delivery) adds only what is new
    s.accept(List.of(record(c, 1, 4), record(c, 2, 5)));
    assertThat(callsStored(s, c)).isEqualTo(12);
  }

  @Test
  void concurrentDeliveriesLoseAndDoubleNothing() throws Exception {
    UsageSink s = sink();
    String c = customer();
    int threads = 8;
    int perThread = 50;
    Concurrently.run(threads, t -> {
      List<UsageRecord> batch = new ArrayList<>();
      for (int i = 0; i < perThread; i++) {
        batch.add(record(c, t * perThread + i, 1));
      }
      try {
        s.accept(batch);
        s.accept(batch.subList(0, perThread / 2)); // and half of it again, as a retry would
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(callsStored(s, c)).isEqualTo((long) threads * perThread);
  }
}
