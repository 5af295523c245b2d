package dev.monetize.metering.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import dev.monetize.metering.UsageRecord;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class LiveCountersTest {
  private static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");

  record Call(String customer, String key, String operation, int status, boolean overage) {}

  /** The allocation-free lookup never lumps two keys together nor splits one (hash collisions included). */
  @Property(tries = 200)
  void countsEachKeyApartExactly(@ForAll("calls") List<Call> calls) {
    LiveCounters live = new LiveCounters();
    Map<Call, Long> expected = new HashMap<>();
    for (Call c : calls) {
      live.record(c.customer(), c.key(), c.operation(), c.status(), c.overage(), 0, 10, 1, 0, Map.of());
      expected.merge(c, 1L, Long::sum);
    }
    Aggregation agg = new Aggregation();
    live.drainInto(agg);
    Map<Call, Long> counted = agg.records(FROM, FROM.plusSeconds(1)).stream().collect(Collectors.toMap(
        r -> new Call(r.customerId(), r.keyId(), r.operationId(), r.status(), r.overage()), UsageRecord::calls));
    assertThat(counted).isEqualTo(expected);
  }

  @Provide
  Arbitrary<List<Call>> calls() {
    // "Aa" and "BB" share a String hash code: keys that differ only there collide in the map
    Arbitrary<String> names = Arbitraries.of("acme", "globex", "Aa", "BB", "AaAa", "BBBB", "AaBB");
    return Combinators.combine(names, names, Arbitraries.of("summary", "export", "Aa", "BB"),
        Arbitraries.of(200, 429, 500), Arbitraries.of(true, false)).as(Call::new).list().ofMaxSize(200);
  }

  @Test
  void countingACallOfAKnownKeyAllocatesNothing() {
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    LiveCounters live = new LiveCounters();
    String customer = "acme";
    String key = "key_1";
    String operation = "summary";
    for (int i = 0; i < 1_000; i++) {
      live.record(customer, key, operation, 200, false, 0, 128, 1_500, 0, Map.of());
    }
    long thread = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(thread);
    int calls = 100_000;
    for (int i = 0; i < calls; i++) {
      live.record(customer, key, operation, 200, false, 0, 128, 1_500, 0, Map.of());
    }
    long allocated = threads.getThreadAllocatedBytes(thread) - before;
    // a key object per call would be 32 B x 100,000 = 3.2 MB; allow a few objects of the harness
    assertThat(allocated).isLessThan(10_000);
    Aggregation agg = new Aggregation();
    live.drainInto(agg);
    assertThat(agg.records(FROM, FROM.plusSeconds(1)).get(0).calls()).isEqualTo(101_000);
  }

  @Test
  void keysIdleForAWholeIntervalAreRetiredAndCountAgainAfterwards() {
    LiveCounters live = new LiveCounters();
    for (int i = 0; i < 10_000; i++) {
      live.record("customer-" + i, "key-" + i, "summary", 200, false, 0, 10, 1, 0, Map.of());
    }
    Aggregation first = new Aggregation();
    live.drainInto(first);
    assertThat(first.records(FROM, FROM.plusSeconds(1))).hasSize(10_000);
    live.drainInto(new Aggregation());
    assertThat(live.size()).isEqualTo(10_000); // idle for one drain: kept
    live.drainInto(new Aggregation());
    assertThat(live.size()).isZero(); // idle for two: memory follows the keys in use
    live.record("customer-7", "key-7", "summary", 200, false, 0, 10, 1, 0, Map.of());
    Aggregation again = new Aggregation();
    live.drainInto(again);
    assertThat(again.records(FROM, FROM.plusSeconds(1))).singleElement()
        .satisfies(r -> assertThat(r.calls()).isEqualTo(1));
  }

  @Test
  void retiringUnderConcurrentRecordingLosesAndDoublesNothing() throws Exception {
    LiveCounters live = new LiveCounters();
    int threads = 4;
    int callsEach = 200_000;
    java.util.concurrent.atomic.AtomicBoolean recording = new java.util.concurrent.atomic.AtomicBoolean(true);
    java.util.concurrent.atomic.AtomicLong drained = new java.util.concurrent.atomic.AtomicLong();
    Thread drainer = new Thread(() -> {
      while (recording.get()) {
        Aggregation agg = new Aggregation();
        live.drainInto(agg); // drains back to back: many keys go idle and are retired while being recorded
        agg.records(FROM, FROM.plusSeconds(1)).forEach(r -> drained.addAndGet(r.calls()));
      }
    });
    drainer.start();
    dev.monetize.testing.Concurrently.run(threads, t -> {
      java.util.Random random = new java.util.Random(t);
      for (int i = 0; i < callsEach; i++) {
        int k = random.nextInt(2_000); // most keys are hit rarely: idle, retired, hit again
        live.record("c" + k, "k" + k, "summary", 200, false, 0, 1, 1, 0, Map.of());
      }
    });
    recording.set(false);
    drainer.join();
    for (int i = 0; i < 3; i++) {
      Aggregation agg = new Aggregation();
      live.drainInto(agg);
      agg.records(FROM, FROM.plusSeconds(1)).forEach(r -> drained.addAndGet(r.calls()));
    }
    assertThat(drained.get()).isEqualTo((long) threads * callsEach);
    assertThat(live.size()).isZero();
  }
}
