package dev.monetize.metering.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.ManualTimeSource;
import dev.monetize.metering.FsyncPolicy;
import dev.monetize.metering.UsageRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever the order of calls, quarter hours, plan changes, deliveries and kills: every call is
 * delivered once, in an interval that starts at or after the quarter hour and the last plan change
 * before it (the period a call is billed in is that of its interval's start), and never after it.
 */
class UsageIntervalProperties {
  /** Advance the clock, record {@code calls} calls, then do {@code action}. */
  record Step(long advanceMillis, int calls, Action action) {}

  enum Action { NOTHING, DELIVER, PLAN_CHANGE, KILL, KILL_BEFORE_THE_ACKNOWLEDGEMENT }

  private static final long QUARTER = Duration.ofMinutes(15).toMillis();

  @Property(tries = 200)
  void everyCallIsDeliveredOnceInAnIntervalOfItsQuarterHourAndPlan(@ForAll("steps") List<Step> steps)
      throws IOException {
    Path dir = Files.createTempDirectory("usage-intervals");
    ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-01-01T23:52:17.250Z"));
    Map<String, UsageRecord> ledger = new HashMap<>(); // by id, as the ledgers deduplicate
    boolean[] failAfterTaking = {false};
    dev.monetize.metering.UsageSink sink = batch -> {
      for (UsageRecord r : batch) {
        UsageRecord before = ledger.putIfAbsent(r.id(), r);
        assertThat(before == null || before.equals(r)).as("a redelivered id carries the same record").isTrue();
      }
      if (failAfterTaking[0]) {
        throw new IOException("connection reset after commit");
      }
    };
    Map<String, Instant> completed = new HashMap<>(); // key id -> when the call completed
    Map<String, Instant> notBefore = new HashMap<>(); // key id -> the last plan change before it
    Instant lastChange = Instant.EPOCH;
    UsageJournal journal = UsageJournal.open(dir, FsyncPolicy.never(), time.now(), 4096, 2);
    UsageMeter meter = new UsageMeter(sink, time, Optional.of(journal), batch -> {});
    try {
      for (Step step : steps) {
        time.advance(Duration.ofMillis(step.advanceMillis()));
        for (int i = 0; i < step.calls(); i++) {
          String key = "key_" + completed.size();
          completed.put(key, time.now());
          notBefore.put(key, lastChange);
          meter.record("acme", key, "summary", 200, false, 0, 10, 1_000, 0, Map.of(), time.epochNanos());
        }
        switch (step.action()) {
          case DELIVER -> meter.flush();
          case PLAN_CHANGE -> {
            Instant change = meter.hold();
            meter.cutAt(change);
            meter.release();
            lastChange = change;
            time.advance(Duration.ofMillis(1));
          }
          case KILL, KILL_BEFORE_THE_ACKNOWLEDGEMENT -> {
            if (step.action() == Action.KILL_BEFORE_THE_ACKNOWLEDGEMENT) {
              failAfterTaking[0] = true;
              meter.flush();
              failAfterTaking[0] = false;
            }
            journal.release();
            time.advance(Duration.ofMillis(1));
            journal = UsageJournal.open(dir, FsyncPolicy.never(), time.now(), 4096, 2);
            meter = new UsageMeter(sink, time, Optional.of(journal), batch -> {});
          }
          default -> { }
        }
      }
      time.advance(Duration.ofSeconds(1));
      for (int i = 0; i < 1_000 && ledger.values().stream().mapToLong(UsageRecord::calls).sum() < completed.size(); i++) {
        meter.flush();
      }
    } finally {
      journal.close();
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Map<String, List<UsageRecord>> byKey = new HashMap<>();
    ledger.values().forEach(r -> byKey.computeIfAbsent(r.keyId(), k -> new ArrayList<>()).add(r));
    assertThat(byKey.keySet()).as("every call delivered").isEqualTo(completed.keySet());
    completed.forEach((key, at) -> {
      List<UsageRecord> records = byKey.get(key);
      assertThat(records).as("%s once", key).hasSize(1);
      UsageRecord r = records.get(0);
      assertThat(r.calls()).isEqualTo(1);
      Instant quarter = Instant.ofEpochMilli(Math.floorDiv(at.toEpochMilli(), QUARTER) * QUARTER);
      assertThat(r.from()).as("%s completed at %s", key, at).isAfterOrEqualTo(quarter)
          .isAfterOrEqualTo(notBefore.get(key)).isBeforeOrEqualTo(at);
      assertThat(r.to()).as("%s completed at %s", key, at).isAfterOrEqualTo(at);
    });
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Long> advance = Arbitraries.oneOf(Arbitraries.longs().between(1, 2_000), // a clock that moves (a frozen one makes empty intervals of 1 ns)
        Arbitraries.longs().between(1, 3 * QUARTER));
    // steps without calls often: a cut with nothing before it is where intervals are easiest to get wrong
    Arbitrary<Integer> calls = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, Arbitraries.just(0)),
        net.jqwik.api.Tuple.of(2, Arbitraries.just(1)), net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(2, 3)));
    return Combinators.combine(advance, calls, Arbitraries.of(Action.class))
        .as(Step::new).list().ofMaxSize(16);
  }
}
