package dev.monetize.metering.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.metering.FsyncPolicy;
import dev.monetize.metering.UsageRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever the calls, reading them back from the journal gives what counting them in memory gives. */
class UsageJournalProperties {
  /** One call; {@code q} holds bytes in, bytes out, micros and CPU micros. */
  record Call(String customer, String key, String operation, int status, boolean overage, long[] q,
      Map<String, Long> units) {}

  @Property(tries = 60)
  void theJournalAggregatesExactlyLikeTheLiveCounters(@ForAll("calls") List<Call> calls) throws IOException {
    Path dir = Files.createTempDirectory("journal-property");
    Instant from = Instant.parse("2026-01-01T00:00:00Z");
    Instant to = from.plusSeconds(1);
    try {
      LiveCounters live = new LiveCounters();
      List<UsageRecord> fromJournal;
      try (UsageJournal journal = UsageJournal.open(dir, FsyncPolicy.never(), from, 2048, 2)) {
        for (Call c : calls) {
          assertThat(journal.append(c.customer(), c.key(), c.operation(), c.status(), c.overage(), c.q()[0],
              c.q()[1], c.q()[2], c.q()[3], c.units())).isTrue();
          live.record(c.customer(), c.key(), c.operation(), c.status(), c.overage(), c.q()[0], c.q()[1], c.q()[2],
              c.q()[3], c.units());
        }
        fromJournal = journal.take(to, new LiveCounters()).records();
      }
      Aggregation expected = new Aggregation();
      live.drainInto(expected);
      assertThat(new HashSet<>(fromJournal)).isEqualTo(new HashSet<>(expected.records(from, to)));
    } finally {
      delete(dir);
    }
  }

  /**
   * Deliveries cut anywhere (mid-segment, so a read starts after name records it must still know),
   * with crashes before a delivery and between a delivery and its acknowledgement, add up to
   * exactly the calls: nothing lost, nothing twice.
   */
  @Property(tries = 40)
  void cutDeliveriesAndCrashesAddUpToTheCalls(@ForAll("calls") List<Call> calls,
      @ForAll("steps") List<Integer> steps) throws IOException {
    Path dir = Files.createTempDirectory("journal-property");
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    try {
      Map<List<Object>, long[]> delivered = new java.util.HashMap<>();
      Map<List<Object>, long[]> expected = new java.util.HashMap<>();
      UsageJournal journal = UsageJournal.open(dir, FsyncPolicy.never(), now, 1024, 2);
      int next = 0;
      for (int step = 0; step <= steps.size(); step++) {
        int cut = step == steps.size() ? calls.size() : Math.min(calls.size(), next + steps.get(step) / 4);
        for (; next < cut; next++) {
          Call c = calls.get(next);
          assertThat(journal.append(c.customer(), c.key(), c.operation(), c.status(), c.overage(), c.q()[0],
              c.q()[1], c.q()[2], c.q()[3], c.units())).isTrue();
          add(expected, c.customer(), c.key(), c.operation(), c.status(), c.overage(), 1, c.q(), c.units());
        }
        now = now.plusSeconds(1);
        int action = step == steps.size() ? 0 : steps.get(step) % 4;
        if (action == 1) { // crash before delivering
          journal.release();
          journal = UsageJournal.open(dir, FsyncPolicy.never(), now, 1024, 2);
          continue;
        }
        UsageJournal.Delivery d = journal.take(now, new LiveCounters());
        if (action == 2) { // crash after the sink took it, before the acknowledgement: the redo has the same ids
          Set<String> ids = new HashSet<>();
          d.records().forEach(r -> ids.add(r.id()));
          journal.release();
          journal = UsageJournal.open(dir, FsyncPolicy.never(), now, 1024, 2);
          d = journal.take(now.plusSeconds(1), new LiveCounters());
          Set<String> redone = new HashSet<>();
          d.records().forEach(r -> redone.add(r.id()));
          assertThat(redone).isEqualTo(ids);
        }
        for (UsageRecord r : d.records()) {
          add(delivered, r.customerId(), r.keyId(), r.operationId(), r.status(), r.overage(), r.calls(),
              new long[] {r.bytesIn(), r.bytesOut(), r.durationMicros(), r.cpuMicros()}, r.units());
        }
        d.acknowledge().run();
      }
      journal.close();
      assertThat(delivered.keySet()).isEqualTo(expected.keySet());
      expected.forEach((k, v) -> assertThat(delivered.get(k)).as("sums of %s", k).containsExactly(v));
    } finally {
      delete(dir);
    }
  }

  @Provide
  Arbitrary<List<Integer>> steps() {
    return Arbitraries.integers().between(0, 400).list().ofMaxSize(12);
  }

  private static void add(Map<List<Object>, long[]> into, String customer, String key, String operation, int status,
      boolean overage, long calls, long[] q, Map<String, Long> units) {
    long[] sums = into.computeIfAbsent(List.of(customer, key, operation, status, overage), k -> new long[5]);
    sums[0] += calls;
    for (int i = 0; i < 4; i++) {
      sums[i + 1] += q[i];
    }
    units.forEach((unit, amount) -> {
      if (amount != 0) {
        into.computeIfAbsent(List.of(customer, key, operation, status, overage, unit), k -> new long[1])[0] += amount;
      }
    });
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  @Provide
  Arbitrary<List<Call>> calls() {
    // any well-formed text (a lone surrogate is not text; the journal would store it as U+FFFD)
    Arbitrary<String> names = Arbitraries.oneOf(
        Arbitraries.strings().withCharRange('\u0000', '\ud7ff').withCharRange('\ue000', '\uffff')
            .ofMinLength(1).ofMaxLength(40),
        Arbitraries.of("😀", "a😀b", "日本"));
    Arbitrary<String> customers = Arbitraries.oneOf(Arbitraries.of("acme", "globex"), names);
    Arbitrary<Map<String, Long>> units = Arbitraries.maps(Arbitraries.of("rows_scanned", "cells", "gb.read"),
        Arbitraries.longs().between(0, 1L << 40)).ofMaxSize(3);
    Arbitrary<Call> call = Combinators.combine(customers, Arbitraries.of("key_1", "key_2"),
        Arbitraries.of("summary", "export"), Arbitraries.of(200, 204, 404, 500), Arbitraries.of(true, false),
        Arbitraries.longs().between(0, 1L << 40).array(long[].class).ofSize(4), units)
        .as(Call::new);
    return call.list().ofMaxSize(300);
  }
}
