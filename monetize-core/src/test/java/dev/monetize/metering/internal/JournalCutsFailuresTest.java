package dev.monetize.metering.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Cuts when things fail: a full disk (calls counted in memory, a state that cannot be written), a
 * clock set back, an interrupted caller, a torn file of cuts, a kill between a take and its save.
 */
class JournalCutsFailuresTest extends JournalCutsFixture {
  /**
   * Disk full (appends fail, calls counted in memory): a plan change with nothing before it, then calls,
   * then another change. The two cuts have the same positions, but the second holds the calls made
   * between them, so it is not merged into the first: they are billed after the first change.
   */
  @Test
  void callsCountedInMemoryBetweenTwoChangesAreNotMergedBeforeTheFirst() {
    UsageJournal journal = open();
    UsageMeter meter = deliveredOne(journal, "journaled");
    journal.release(); // appends fail from now on
    time.advance(Duration.ofMillis(100));
    Instant first = planChange(meter);
    time.advance(Duration.ofMillis(100));
    record(meter, "between", 2); // counted in memory, under the first change's plan
    time.advance(Duration.ofMillis(100));
    planChange(meter);
    time.advance(Duration.ofMillis(100));
    assertThat(meter.flush()).isTrue();
    assertThat(calls("between")).isEqualTo(2);
    assertThat(delivered.stream().filter(r -> r.keyId().equals("between")))
        .allSatisfy(r -> assertThat(r.from()).as("after the change at %s", first).isAfterOrEqualTo(first));
  }

  /**
   * Disk full and a clock behind the last run's: a quarter hour cut at an instant at or before the journal's
   * {@code from} holds the calls counted in memory before it; they are delivered just after {@code from},
   * not dropped with the cut.
   */
  @Test
  void callsCountedInMemoryAreNotLostWithACutBehindFrom() {
    time.set(MIDNIGHT.plus(Duration.ofMinutes(20)));
    try (UsageJournal first = open()) {
      UsageMeter meter = meter(first);
      record(meter, "run1", 1);
      assertThat(meter.flush()).isTrue(); // from = 00:20
    }
    time.set(MIDNIGHT.plus(Duration.ofMinutes(10))); // the clock went back between runs
    UsageJournal second = open();
    UsageMeter meter = meter(second);
    second.release(); // appends fail: counted in memory
    record(meter, "run2", 2);
    time.set(MIDNIGHT.plus(Duration.ofMinutes(16)));
    record(meter, "run2", 1); // cuts at 00:15, draining the 2 above into the cut
    assertThat(meter.flush()).isTrue();
    assertThat(meter.flush()).isTrue();
    assertThat(calls("run2")).as("every call counted in memory is delivered").isEqualTo(3);
  }

  /**
   * The state cannot be written (a full disk) when a take reaches a cut: the cut, and the calls counted in
   * memory before it, stay for the next take, which delivers them on their side of it.
   */
  @Test
  void aFailedStateSaveDoesNotDropTheCutItWasSavingFor() throws Exception {
    UsageJournal journal = open();
    UsageMeter meter = deliveredOne(journal, "journaled");
    journal.release(); // appends fail: counted in memory
    time.advance(Duration.ofMillis(100));
    record(meter, "before", 2);
    time.advance(Duration.ofMillis(100));
    Instant change = planChange(meter);
    time.advance(Duration.ofMillis(100));
    record(meter, "after", 3);
    Path blocker = Files.createDirectory(dir.resolve(JournalDirectory.STATE + ".tmp"));
    try {
      meter.flush();
    } catch (UncheckedIOException expected) {
      // the state cannot be written
    }
    Files.delete(blocker);
    assertThat(meter.flush()).isTrue();
    assertThat(meter.flush()).isTrue();
    assertThat(calls("before")).as("the calls before the change are delivered").isEqualTo(2);
    assertThat(delivered.stream().filter(r -> r.keyId().equals("after")))
        .allSatisfy(r -> assertThat(r.from()).isAfterOrEqualTo(change));
  }

  /**
   * A take that passes an empty cut and then finds calls rewrites the file of cuts (forgetting that cut)
   * only after saving the state that says where the next interval starts: killed in between (here: the
   * save fails, then the process stops), the call after the change is still billed after it.
   */
  @Test
  void compactionDuringATakeComesAfterTheStateThatReplacesTheCut() throws Exception {
    UsageJournal first = open(); // + the start cut: 1 line
    UsageMeter meter = meter(first);
    for (int i = 0; i < 63; i++) { // 64 lines, none of them compacted: each is still to deliver
      time.advance(Duration.ofMillis(1));
      record(meter, "old", 1);
      time.advance(Duration.ofMillis(1));
      planChange(meter);
    }
    assertThat(meter.flush()).isTrue(); // delivers them one by one: no compaction on that path
    time.advance(Duration.ofMillis(10));
    Instant change = planChange(meter); // 65 lines, nothing before it
    time.advance(Duration.ofMillis(10));
    record(meter, "after", 1);
    Path blocker = Files.createDirectory(dir.resolve(JournalDirectory.STATE + ".tmp"));
    try {
      meter.flush(); // passes the change, compacts (65 > 64), then the state save fails: a kill there
    } catch (UncheckedIOException expected) {
      // stands for the kill
    }
    first.release();
    Files.delete(blocker);
    time.advance(Duration.ofSeconds(5));
    deliverAll(open());
    assertThat(calls("after")).isEqualTo(1);
    assertThat(delivered.stream().filter(r -> r.keyId().equals("after")))
        .allSatisfy(r -> assertThat(r.from()).as("after the change at %s", change).isAfterOrEqualTo(change));
  }

  /**
   * A request thread with its interrupt flag set appends a cut (a FileChannel closes itself when an
   * interrupted thread uses it): later cuts of the run still reach the file, and after a kill a call
   * after a later plan change is billed after it.
   */
  @Test
  void anInterruptedThreadDoesNotStopCutsBeingWritten() throws Exception {
    UsageJournal first = open();
    UsageMeter meter = deliveredOne(first, "before");
    time.advance(Duration.ofMillis(100));
    Thread.currentThread().interrupt();
    try {
      planChange(meter);
    } finally {
      Thread.interrupted();
    }
    time.advance(Duration.ofMillis(100));
    record(meter, "between", 1);
    time.advance(Duration.ofMillis(100));
    Instant change = planChange(meter); // on a thread that was not interrupted
    time.advance(Duration.ofMillis(100));
    record(meter, "after", 1);
    first.release();
    time.advance(Duration.ofSeconds(5));
    deliverAll(open());
    assertThat(delivered.stream().filter(r -> r.keyId().equals("after")))
        .allSatisfy(r -> assertThat(r.from()).as("after the change at %s", change).isAfterOrEqualTo(change));
  }

  /**
   * A power failure left a torn last line (no newline). It is cut off when the journal opens, so the next
   * run's first cut (its start) is not glued to it: after a kill, that run's calls are delivered from
   * after the midnight it started after.
   */
  @Test
  void aTornLastLineDoesNotSwallowTheNextRunsFirstCut() throws Exception {
    UsageJournal first = open(); // 23:59:58
    record(meter(first), "run1", 1);
    first.release();
    Files.writeString(dir.resolve(JournalCutLog.FILE), "2026-03-31T23:59:5", StandardOpenOption.APPEND);
    time.set(MIDNIGHT.plusSeconds(300)); // down across midnight
    UsageJournal second = open();
    record(meter(second), "run2", 1); // its start cut is at 00:05
    second.release();
    time.advance(Duration.ofSeconds(5));
    deliverAll(open());
    assertThat(calls("run2")).isEqualTo(1);
    assertThat(delivered.stream().filter(r -> r.keyId().equals("run2")))
        .allSatisfy(r -> assertThat(r.from()).as("after midnight").isAfterOrEqualTo(MIDNIGHT));
  }

  /** A line of the file of cuts as the journal writes it, with its check. */
  private static String line(Instant at, String positions) {
    String text = at + " " + positions;
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    return text + " " + Long.toHexString(crc.getValue()) + "\n";
  }

  /**
   * Lines that parse but cannot be right are skipped: one changed on the disk (its check fails), one
   * a year after now, one that ends before what was delivered (it would deliver those calls again).
   */
  @Test
  void linesThatCannotBeRightAreSkippedNotFollowed() throws Exception {
    UsageJournal first = open();
    UsageMeter meter = meter(first);
    record(meter, "delivered", 3);
    time.advance(Duration.ofMillis(100));
    assertThat(meter.flush()).isTrue();
    Instant flushed = only("delivered").to();
    String acked = JournalFiles.read(dir.resolve(JournalDirectory.STATE)).getProperty("acked");
    time.advance(Duration.ofMillis(500));
    record(meter, "after", 2);
    first.release();
    Instant written = flushed.plusMillis(100);
    Instant edited = flushed.plusMillis(200); // a cut there would start the calls after it there
    String changed = line(written, acked).replace(written.toString(), edited.toString());
    Files.writeString(dir.resolve(JournalCutLog.FILE), changed + line(edited.plus(Duration.ofDays(365)), acked)
        + line(edited, "0,0,0,0"), StandardOpenOption.APPEND);
    time.advance(Duration.ofSeconds(5));
    deliverAll(open());
    assertThat(calls("delivered")).as("nothing delivered twice").isEqualTo(3);
    assertThat(only("after").from()).as("no cut followed").isEqualTo(flushed);
  }
}
