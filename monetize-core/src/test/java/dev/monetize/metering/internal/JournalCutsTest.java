package dev.monetize.metering.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.metering.UsageRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Cuts end intervals where they must, for calls in the journal and calls counted in memory. A run killed after a quarter hour (a day's or a billing period's start) or a plan change, and
 * before its next delivery: the next run delivers the calls of each side in an interval of that
 * side, as the killed run would have (the cuts are in the journal's directory, not only in memory).
 */
class JournalCutsTest extends JournalCutsFixture {
  @Test
  void callsOnEitherSideOfAQuarterHourStayOnTheirSideAfterAKill() {
    Instant opened = time.now();
    UsageJournal first = open();
    UsageMeter meter = meter(first);
    record(meter, "key_1", 3); // the day before
    time.advance(Duration.ofSeconds(3)); // one second past midnight
    record(meter, "key_1", 4); // the new day: the first of them cuts the interval at midnight
    first.release(); // killed before any delivery

    time.advance(Duration.ofSeconds(30));
    Instant restarted = time.now();
    try (UsageJournal second = open()) {
      UsageMeter again = meter(second);
      for (int i = 0; i < 4; i++) {
        assertThat(again.flush()).isTrue();
      }
    }
    assertThat(calls(opened, MIDNIGHT)).as("the calls before midnight end there").isEqualTo(3);
    assertThat(calls(MIDNIGHT, restarted)).as("the calls after midnight begin there").isEqualTo(4);
    assertThat(delivered.stream().mapToLong(UsageRecord::calls).sum()).isEqualTo(7);
  }

  @Test
  void aPlanChangesCutSurvivesAKillAndDeliveredCutsAreNotCutAgain() {
    UsageJournal first = open();
    UsageMeter meter = meter(first);
    record(meter, "key_1", 2);
    assertThat(meter.flush()).isTrue(); // delivered up to here: the restart cut of this run is behind
    time.advance(Duration.ofMillis(500));
    Instant change = meter.hold();
    meter.cutAt(change);
    meter.release();
    time.advance(Duration.ofMillis(200));
    record(meter, "key_1", 5); // under the new plan
    first.release();
    assertThat(Files.exists(dir.resolve(JournalCutLog.FILE))).isTrue();

    long before = delivered.stream().mapToLong(UsageRecord::calls).sum();
    time.advance(Duration.ofSeconds(5));
    try (UsageJournal second = open()) {
      UsageMeter again = meter(second);
      for (int i = 0; i < 4; i++) {
        again.flush();
      }
    }
    assertThat(before).isEqualTo(2);
    assertThat(delivered.stream().filter(r -> r.from().equals(change)).mapToLong(UsageRecord::calls).sum())
        .as("the calls after the change begin at its instant").isEqualTo(5);
    assertThat(delivered.stream().mapToLong(UsageRecord::calls).sum()).as("nothing twice").isEqualTo(7);
  }

  /**
   * A power failure took a segment the cut file points into (the segments are forced once a second,
   * the cuts at once): the next run writes its calls after the cut, never where the lost calls were,
   * so they are not delivered as calls from before it.
   */
  @Test
  void callsAfterASegmentLostWithThePowerAreNotDeliveredBeforeTheCut() throws Exception {
    UsageJournal first = open();
    for (int i = 0; i < 3; i++) {
      assertThat(first.append("acme", "key_1", "summary", 200, false, 0, 100, 7, 0, Map.of())).isTrue();
    }
    first.cut(MIDNIGHT, new LiveCounters());
    first.release();
    try (var segments = Files.list(dir)) {
      for (Path p : segments.filter(p -> p.getFileName().toString().startsWith("usage-")).toList()) {
        Files.delete(p);
      }
    }
    time.advance(Duration.ofSeconds(10));
    try (UsageJournal second = open()) {
      for (int i = 0; i < 2; i++) {
        assertThat(second.append("acme", "key_1", "summary", 200, false, 0, 100, 7, 0, Map.of())).isTrue();
      }
      UsageJournal.Delivery beforeMidnight = second.take(time.now(), new LiveCounters());
      beforeMidnight.acknowledge().run();
      UsageJournal.Delivery after = second.take(time.now(), new LiveCounters());
      assertThat(beforeMidnight.records()).as("the lost calls are lost, not replaced").isEmpty();
      assertThat(after.records()).extracting(UsageRecord::from).containsOnly(MIDNIGHT);
      assertThat(after.records().stream().mapToLong(UsageRecord::calls).sum()).isEqualTo(2);
    }
  }

  /**
   * While the journal cannot be written (a full disk), calls are counted in memory: those before a
   * quarter hour are delivered in an interval that ends there, as the journal's own are, not with the
   * calls after it.
   */
  @Test
  void callsCountedInMemoryWhileTheDiskIsFullStayOnTheirSideOfAQuarterHour() {
    Instant opened = time.now();
    UsageJournal journal = open();
    UsageMeter meter = meter(journal);
    record(meter, "key_1", 1); // journaled
    journal.release(); // from now on appends fail: calls are counted in memory
    record(meter, "key_1", 2);
    time.advance(Duration.ofSeconds(3)); // past midnight
    record(meter, "key_1", 4);
    time.advance(Duration.ofSeconds(1));
    Instant flushed = time.now();
    for (int i = 0; i < 3; i++) {
      assertThat(meter.flush()).isTrue();
    }
    assertThat(calls(opened, MIDNIGHT)).as("before midnight, journaled or not").isEqualTo(3);
    assertThat(calls(MIDNIGHT, flushed)).as("after midnight").isEqualTo(4);
  }

  /**
   * A delivery that passes a cut with nothing before it (a plan change on a quiet service) moves
   * where the next interval starts; the file of cuts forgets that cut at its next write, so the
   * state says it (a review found a call after such a change billed before it after a kill).
   */
  @Test
  void aCutPassedWithNothingBeforeItIsRememberedByTheState() {
    UsageJournal first = open();
    UsageMeter meter = deliveredOne(first, "key_before");
    time.advance(Duration.ofMillis(100));
    Instant change = planChange(meter); // nothing recorded since the delivery
    time.advance(Duration.ofMillis(100));
    assertThat(meter.flush()).isTrue(); // passes it
    time.advance(Duration.ofMillis(100));
    record(meter, "key_after", 1);
    time.advance(Duration.ofMillis(100));
    planChange(meter); // another customer's change rewrites the file of cuts
    first.release();

    time.advance(Duration.ofSeconds(5));
    deliverAll(open());
    assertThat(only("key_after").from()).as("after the change at %s", change).isAfterOrEqualTo(change);
    assertThat(only("key_before").to()).isBeforeOrEqualTo(change);
  }

  /**
   * While the sink refuses (nothing is delivered), plan changes with no call between them keep one
   * cut, and the file is rewritten before it holds many more lines than the cuts still to deliver.
   */
  @Test
  void cutsWithNothingBetweenThemKeepTheFileShort() throws Exception {
    UsageJournal journal = open();
    UsageMeter meter = new UsageMeter(batch -> {
      throw new java.io.IOException("the ledger is down");
    }, time, Optional.of(journal), batch -> {});
    record(meter, "key_1", 1);
    assertThat(meter.flush()).isFalse();
    for (int i = 0; i < 500; i++) {
      time.advance(Duration.ofMillis(1));
      planChange(meter);
    }
    time.advance(Duration.ofMillis(1));
    record(meter, "key_1", 1);
    Instant last = planChange(meter);
    journal.close();
    List<String> lines = Files.readAllLines(dir.resolve(JournalCutLog.FILE));
    assertThat(lines).hasSizeLessThanOrEqualTo(2 * 2 + 64).last().asString().startsWith(last.toString());
  }

  /** A damaged file of cuts costs the cuts, not the calls: the journal opens and delivers them. */
  @Test
  void aDamagedFileOfCutsIsLoggedAndLeftAside() throws Exception {
    UsageJournal first = open();
    record(meter(first), "key_1", 3);
    first.release();
    Files.writeString(dir.resolve(JournalCutLog.FILE), "garbage\n2026-04-01T00:00:00Z 1,2\n2026-04-01T00:00:01Z 3,", 
        java.nio.file.StandardOpenOption.APPEND); // damaged, too few positions, torn
    deliverAll(open());
    assertThat(delivered.stream().mapToLong(UsageRecord::calls).sum()).isEqualTo(3);
  }
}
