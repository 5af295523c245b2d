package dev.monetize.metering.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.monetize.ManualTimeSource;
import dev.monetize.metering.FsyncPolicy;
import dev.monetize.metering.InMemoryUsageSink;
import dev.monetize.metering.UsageRecord;
import dev.monetize.metering.UsageSink;
import dev.monetize.testing.Concurrently;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsageJournalTest {
  private final ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-03-10T12:00:00Z"));
  @TempDir
  Path dir;

  private UsageJournal open(int segmentBytes) {
    return UsageJournal.open(dir, FsyncPolicy.DEFAULT, time.now(), segmentBytes, 4);
  }

  private static void append(UsageJournal j, String customer, int n) {
    for (int i = 0; i < n; i++) {
      assertThat(j.append(customer, "key_1", "summary", 200, false, 0, 100, 7, 0, Map.of())).isTrue();
    }
  }

  private static long calls(List<UsageRecord> records, String customer) {
    return records.stream().filter(r -> r.customerId().equals(customer)).mapToLong(UsageRecord::calls).sum();
  }

  @Test
  void aggregatesAppendedCallsOnceAndThenNothing() {
    try (UsageJournal j = open(1 << 16)) {
      append(j, "acme", 500);
      assertThat(j.append("acme", "key_1", "export", 500, true, 0, 3, 9, 0, Map.of("rows_scanned", 40L, "é_ü", 2L)))
          .isTrue();
      time.advance(Duration.ofSeconds(1));
      UsageJournal.Delivery d = j.take(time.now(), new LiveCounters());
      assertThat(calls(d.records(), "acme")).isEqualTo(501);
      UsageRecord export = d.records().stream().filter(r -> r.operationId().equals("export")).findFirst().orElseThrow();
      assertThat(export.units()).containsEntry("rows_scanned", 40L).containsEntry("é_ü", 2L);
      assertThat(export.status()).isEqualTo(500);
      assertThat(export.overage()).isTrue();
      UsageRecord summary = d.records().stream().filter(r -> r.operationId().equals("summary")).findFirst().orElseThrow();
      assertThat(summary.bytesOut()).isEqualTo(50_000);
      assertThat(summary.durationMicros()).isEqualTo(3_500);
      d.acknowledge().run();
      time.advance(Duration.ofSeconds(1));
      assertThat(j.take(time.now(), new LiveCounters()).records()).isEmpty();
    }
  }

  @Test
  void aCrashAfterTheIntentRedeliversExactlyTheSameRecords() {
    UsageJournal j = open(1 << 16);
    append(j, "acme", 300);
    time.advance(Duration.ofSeconds(1));
    List<UsageRecord> first = j.take(time.now(), new LiveCounters()).records();
    append(j, "acme", 5); // after the intent: belongs to the next interval
    j.release(); // crash: the sink may or may not have the first delivery

    time.advance(Duration.ofMinutes(3));
    try (UsageJournal again = open(1 << 16)) {
      UsageJournal.Delivery redo = again.take(time.now(), new LiveCounters());
      assertThat(redo.records()).containsExactlyInAnyOrderElementsOf(first);
      assertThat(redo.records().stream().map(UsageRecord::id).collect(Collectors.toSet()))
          .isEqualTo(first.stream().map(UsageRecord::id).collect(Collectors.toSet()));
      redo.acknowledge().run();
      UsageJournal.Delivery next = again.take(time.now(), new LiveCounters());
      assertThat(calls(next.records(), "acme")).isEqualTo(5);
      assertThat(next.records().get(0).from()).isEqualTo(first.get(0).to());
    }
  }

  /**
   * A run that stopped while its next segment was half prepared leaves a position past its last
   * file; a run that then crashed after taking up to that position, redelivered and went on must
   * write its new calls after it, not behind the acknowledgement where no delivery reads them.
   */
  @Test
  void callsAfterARedoBehindAHalfPreparedSegmentAreDelivered() throws IOException {
    Path segment = appendThenCrash(3);
    String name = segment.getFileName().toString();
    Path next = segment.resolveSibling(name.substring(0, name.length() - 16) + "000000000001.seg");
    Files.write(next, new byte[10]); // the preparer was cut off: deleted on open, its number skipped

    UsageJournal second = open(1 << 16);
    time.advance(Duration.ofSeconds(1));
    assertThat(calls(second.take(time.now(), new LiveCounters()).records(), "acme")).isEqualTo(3);
    second.release(); // the sink may or may not have it

    try (UsageJournal third = open(1 << 16)) {
      time.advance(Duration.ofSeconds(1));
      UsageJournal.Delivery redo = third.take(time.now(), new LiveCounters());
      assertThat(calls(redo.records(), "acme")).isEqualTo(3);
      redo.acknowledge().run();
      append(third, "acme", 5);
      time.advance(Duration.ofSeconds(1));
      assertThat(calls(third.take(time.now(), new LiveCounters()).records(), "acme")).isEqualTo(5);
    }
  }

  @Test
  void aCrashBeforeAnyFlushLosesNothing() {
    UsageJournal j = open(1 << 16);
    append(j, "acme", 42);
    j.release();
    try (UsageJournal again = open(1 << 16)) {
      time.advance(Duration.ofSeconds(1));
      assertThat(calls(again.take(time.now(), new LiveCounters()).records(), "acme")).isEqualTo(42);
    }
  }

  /**
   * A run killed before its first delivery: the next one delivers its calls in an interval that
   * starts when that run opened the journal, not when the next one did (the records would otherwise
   * start after the next run began, and be taken for its own calls).
   */
  @Test
  void callsOfARunKilledBeforeItsFirstDeliveryStartWhenItOpenedTheJournal() {
    Instant opened = time.now();
    UsageJournal j = open(1 << 16);
    append(j, "acme", 5);
    j.release();
    time.advance(Duration.ofSeconds(30));
    try (UsageJournal again = open(1 << 16)) {
      List<UsageRecord> records = again.take(time.now(), new LiveCounters()).records();
      assertThat(calls(records, "acme")).isEqualTo(5);
      assertThat(records).allSatisfy(r -> assertThat(r.from()).isEqualTo(opened));
    }
  }

  @Test
  void aTornLastRecordIsSkippedWithoutFailing() throws IOException {
    // a record cut short by the crash: a length, a checksum, and half of a payload
    writeAfterRecords(appendThenCrash(10),
        ByteBuffer.allocate(20).putInt(60).putInt(0xdeadbeef).putShort((short) 200).put((byte) 0).putLong(100).flip());
    try (UsageJournal again = open(1 << 16)) {
      time.advance(Duration.ofSeconds(1));
      UsageJournal.Delivery d = again.take(time.now(), new LiveCounters());
      assertThat(calls(d.records(), "acme")).isEqualTo(10);
      assertThat(again.tornRecords()).isEqualTo(1);
      d.acknowledge().run();
      append(again, "acme", 1);
      time.advance(Duration.ofSeconds(1));
      assertThat(calls(again.take(time.now(), new LiveCounters()).records(), "acme")).isEqualTo(1);
    }
  }

  @Test
  void aLengthNearTheIntegerLimitIsATornRecordNotAStuckDelivery() throws IOException {
    // what a reused segment whose zeroing a power failure lost can hold after its last new record
    writeAfterRecords(appendThenCrash(10), ByteBuffer.allocate(8).putInt(0, Integer.MAX_VALUE - 3).putInt(4, 0x1234));
    for (int restart = 0; restart < 2; restart++) {
      try (UsageJournal again = open(1 << 16)) {
        time.advance(Duration.ofSeconds(1));
        UsageJournal.Delivery d = again.take(time.now(), new LiveCounters());
        assertThat(calls(d.records(), "acme")).isEqualTo(restart == 0 ? 10 : 0);
        assertThat(again.tornRecords()).isEqualTo(restart == 0 ? 1 : 0);
        d.acknowledge().run();
      }
    }
  }

  @Test
  void aRecordWithABadChecksumIsSkipped() throws IOException {
    try (FileChannel ch = FileChannel.open(appendThenCrash(3), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long end = endOfRecords(ch);
      ByteBuffer flip = ByteBuffer.allocate(1);
      ch.read(flip, end - 1);
      flip.flip();
      byte b = flip.get();
      ch.write(ByteBuffer.wrap(new byte[] {(byte) (b ^ 0x40)}), end - 1); // the last payload byte of the third
    }
    try (UsageJournal again = open(1 << 16)) {
      time.advance(Duration.ofSeconds(1));
      assertThat(calls(again.take(time.now(), new LiveCounters()).records(), "acme")).isEqualTo(2);
      assertThat(again.tornRecords()).isEqualTo(1);
    }
  }

  @Test
  void segmentsAreRetiredOnceTheSinkHasThem() throws IOException {
    UsageJournal j = open(1024); // about 45 records per segment
    Thread writer = new Thread(() -> append(j, "acme", 1_000)); // one thread: one stripe
    writer.start();
    join(writer);
    assertThat(segments()).hasSizeGreaterThan(10);
    time.advance(Duration.ofSeconds(1));
    UsageJournal.Delivery d = j.take(time.now(), new LiveCounters());
    assertThat(calls(d.records(), "acme")).isEqualTo(1_000);
    assertThat(segments()).hasSizeGreaterThan(10); // not yet acknowledged
    d.acknowledge().run();
    assertThat(j.segmentFiles()).isEqualTo(1); // the segment being written stays
    assertThat(segments()).hasSizeLessThanOrEqualTo(2); // beside it at most the one prepared next
    j.release();

    try (UsageJournal again = open(1024)) {
      time.advance(Duration.ofSeconds(1));
      again.take(time.now(), new LiveCounters()).acknowledge().run();
      append(again, "acme", 1);
      time.advance(Duration.ofSeconds(1));
      again.take(time.now(), new LiveCounters()).acknowledge().run();
      assertThat(again.segmentFiles()).isEqualTo(1); // the earlier run's segments are gone
      assertThat(segments()).hasSizeLessThanOrEqualTo(2);
    }
  }

  @Test
  void aSegmentLeftHalfPreparedByAKilledProcessIsDeletedAndAPreparedOneIsHarmless() throws IOException {
    try (UsageJournal j = open(4096)) {
      append(j, "acme", 3);
    }
    Files.write(dir.resolve("usage-00-000000000041.seg"), new byte[100]); // the preparer was killed mid-file
    Files.write(dir.resolve("usage-01-000000000042.seg"), new byte[4096]); // prepared, never written to
    try (UsageJournal again = open(4096)) {
      assertThat(dir.resolve("usage-00-000000000041.seg")).doesNotExist();
      time.advance(Duration.ofSeconds(1));
      UsageJournal.Delivery d = again.take(time.now(), new LiveCounters());
      assertThat(calls(d.records(), "acme")).isEqualTo(3);
      assertThat(again.tornRecords()).isZero();
      d.acknowledge().run();
      assertThat(dir.resolve("usage-01-000000000042.seg")).doesNotExist();
      append(again, "acme", 2);
      time.advance(Duration.ofSeconds(1));
      assertThat(calls(again.take(time.now(), new LiveCounters()).records(), "acme")).isEqualTo(2);
    }
  }

  @Test
  void anAppendInterruptedWhileTheNextSegmentIsPreparedLeavesTheStripeWorking() throws Exception {
    try (UsageJournal j = open(1024)) {
      java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
      j.onPreparer(() -> {
        try {
          hold.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      // the first append creates segment 0 here and queues segment 1 behind the held preparer;
      // the append that needs segment 1 then waits for it with the interrupt flag set
      int journaled = 0;
      boolean refused = false;
      for (int i = 0; i < 200 && !refused; i++) {
        if (i > 0) {
          Thread.currentThread().interrupt();
        }
        refused = !j.append("acme", "key_1", "summary", 200, false, 0, 100, 7, 0, Map.of());
        Thread.interrupted();
        journaled += refused ? 0 : 1;
      }
      assertThat(refused).as("the append that rolls is interrupted").isTrue();
      hold.countDown();
      j.onPreparer(() -> { }).get(); // segment 1 now exists
      append(j, "acme", 100); // the stripe goes on with the segment the preparer made
      time.advance(Duration.ofSeconds(1));
      assertThat(calls(j.take(time.now(), new LiveCounters()).records(), "acme")).isEqualTo(journaled + 100L);
      assertThat(j.appendFailures()).isEqualTo(1);
    }
  }

  @Test
  void oneEnginePerDirectory() {
    try (UsageJournal j = open(1 << 16)) {
      assertThat(j.directory()).isEqualTo(dir);
      assertThatThrownBy(() -> open(1 << 16))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("in use by another process")
          .hasMessageContaining("MonetizeBuilder.usageJournal").hasMessageNotContaining("MONETIZE_");
    }
  }

  @Test
  void concurrentCallsAndFlushesThroughAFailingSinkDeliverEveryCallExactlyOnce() throws Exception {
    InMemoryUsageSink store = UsageSink.inMemory();
    AtomicInteger attempts = new AtomicInteger();
    UsageSink flaky = batch -> {
      if (attempts.incrementAndGet() % 3 == 0) {
        store.accept(batch); // stored, then the acknowledgement is lost
        throw new IOException("connection reset after commit");
      }
      if (attempts.get() % 3 == 1) {
        throw new IOException("connection refused");
      }
      store.accept(batch);
    };
    int threads = 8;
    int calls = 2_000;
    try (UsageJournal j = UsageJournal.open(dir, FsyncPolicy.never(), time.now(), 1 << 15, 4)) {
      UsageMeter meter = new UsageMeter(flaky, time, Optional.of(j), batch -> { });
      AtomicBoolean done = new AtomicBoolean();
      Thread flusher = new Thread(() -> {
        while (!done.get()) {
          time.advance(Duration.ofMillis(1));
          meter.flush();
        }
      });
      flusher.start();
      Concurrently.run(threads, n -> {
        for (int i = 0; i < calls; i++) {
          meter.record("c" + (n % 3), "key_" + n, "summary", 200, false, 10, 1_000);
        }
      });
      done.set(true);
      join(flusher);
      while (!meter.flush()) {
        time.advance(Duration.ofMillis(1));
      }
      assertThat(store.calls(r -> true)).isEqualTo((long) threads * calls);
      assertThat(store.calls(r -> r.customerId().equals("c0"))).isEqualTo(3L * calls);
    }
  }

  @Test
  void whenTheJournalCannotBeWrittenCallsAreMeteredInMemory() {
    InMemoryUsageSink store = UsageSink.inMemory();
    UsageJournal j = open(1 << 16);
    UsageMeter meter = new UsageMeter(store, time, Optional.of(j), batch -> { });
    meter.record("acme", "key_1", "summary", 200, false, 1, 1_000);
    j.release(); // from now on appends fail
    meter.record("acme", "key_1", "summary", 200, false, 1, 1_000);
    time.advance(Duration.ofSeconds(1));
    assertThat(meter.flush()).isTrue();
    assertThat(store.calls(r -> true)).isEqualTo(2);
  }

  @Test
  void deliveredSegmentsAreReusedAndEveryCallIsStillCountedOnce() throws IOException {
    try (UsageJournal j = open(1024)) { // about 45 records per segment
      for (int round = 1; round <= 3; round++) {
        Thread writer = new Thread(() -> append(j, "acme", 1_000));
        writer.start();
        join(writer);
        time.advance(Duration.ofSeconds(1));
        UsageJournal.Delivery d = j.take(time.now(), new LiveCounters());
        assertThat(calls(d.records(), "acme")).isEqualTo(1_000);
        d.acknowledge().run();
        assertThat(spares()).isBetween(2, 1_000 / 40); // at most what this delivery freed
        assertThat(segments()).hasSizeLessThanOrEqualTo(2 * round); // each writer's stripe: current and next
      }
      // each round fills about 22 segments; rounds 2 and 3 take most of theirs from the spares
      assertThat(j.recycledSegments()).isGreaterThanOrEqualTo(20);
      assertThat(j.tornRecords()).isZero();
    }
    assertThat(spares()).isZero(); // close deletes them
  }

  @Test
  void sparesLeftByAStoppedProcessAreDeletedOnOpen() throws IOException {
    UsageJournal j = open(4096);
    Thread writer = new Thread(() -> append(j, "acme", 500));
    writer.start();
    join(writer);
    time.advance(Duration.ofSeconds(1));
    j.take(time.now(), new LiveCounters()).acknowledge().run();
    assertThat(spares()).isPositive();
    j.release(); // killed: the spares stay behind
    try (UsageJournal again = open(4096)) {
      assertThat(spares()).isZero();
      time.advance(Duration.ofSeconds(1));
      assertThat(again.take(time.now(), new LiveCounters()).records()).isEmpty();
    }
  }

  @Test
  void aRecordFromASegmentsEarlierLifeFailsItsCheck() throws IOException {
    // a power failure kept the rename of a reused segment but lost its zeroing: the file under the
    // new segment's name still holds the records of its earlier life
    UsageJournal j = open(4096);
    append(j, "acme", 10);
    j.release();
    Path written = segments().get(0);
    String name = written.getFileName().toString();
    long number = Long.parseLong(name.substring(9, 21));
    Path reused = written.resolveSibling(name.substring(0, 9) + String.format("%012d", number + 1) + ".seg");
    Files.copy(written, reused, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    try (UsageJournal again = open(4096)) {
      time.advance(Duration.ofSeconds(1));
      assertThat(calls(again.take(time.now(), new LiveCounters()).records(), "acme")).isEqualTo(10); // not 20
      assertThat(again.tornRecords()).isEqualTo(1); // the first stale record ends that segment
    }
  }

  @Test
  void aDirectoryOfAnotherFormatIsRefusedWithAMessage() throws IOException {
    open(4096).close();
    Path meta = dir.resolve("journal.meta");
    Files.writeString(meta, Files.readString(meta).replace("format=2", "format=1"));
    assertThatThrownBy(() -> open(4096))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("format 1")
        .hasMessageContaining("until its records are delivered");
  }

  @Test
  void defaultSegmentsKeepTheLiveJournalAt64MiBWhateverTheStripes() throws IOException {
    assertThat(UsageJournal.defaultSegmentBytes(4)).isEqualTo(8 << 20);
    assertThat(UsageJournal.defaultSegmentBytes(8)).isEqualTo(4 << 20);
    assertThat(UsageJournal.defaultSegmentBytes(16)).isEqualTo(2 << 20);
    assertThat(UsageJournal.defaultSegmentBytes(32)).isEqualTo(1 << 20);
    try (UsageJournal j = UsageJournal.open(dir, FsyncPolicy.DEFAULT, time.now())) {
      assertThat(j.directory()).isEqualTo(dir);
    }
    int stripes = Math.max(4, Math.min(32, Integer.highestOneBit(Runtime.getRuntime().availableProcessors() * 2)));
    assertThat(Files.readString(dir.resolve("journal.meta")))
        .contains("segment_bytes=" + UsageJournal.defaultSegmentBytes(stripes))
        .contains("stripes=" + stripes);
  }

  @Test
  void namesRoundTripThroughTheRecordFormat() {
    for (String s : List.of("", "acme", "é", "日本語", "😀x", "a\ud800b", "\udc00")) {
      byte[] encoded = JournalRecords.encodeName(s);
      byte[] w = new byte[2 + encoded.length];
      assertThat(JournalRecords.putName(w, 0, encoded)).isEqualTo(w.length);
      String expected = new String(s.getBytes(java.nio.charset.StandardCharsets.UTF_8),
          java.nio.charset.StandardCharsets.UTF_8); // the JDK's encoder: an unpaired surrogate is '?'
      assertThat(JournalRecords.getName(ByteBuffer.wrap(w), 0)).isEqualTo(expected);
    }
    assertThatThrownBy(() -> JournalRecords.encodeName("x".repeat(0x10000))).hasMessageContaining("too long");
  }

  private int spares() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return (int) files.filter(p -> p.getFileName().toString().startsWith("spare-")).count();
    }
  }

  private List<Path> segments() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().matches("usage-.*\\.seg")).sorted().collect(Collectors.toList());
    }
  }

  /** Appends {@code calls} calls of acme on this thread, then crashes: the segment they are in. */
  private Path appendThenCrash(int calls) throws IOException {
    UsageJournal j = open(1 << 16);
    append(j, "acme", calls);
    j.release();
    return segments().get(0);
  }

  /** Writes {@code bytes} right after the last record of {@code segment}. */
  private static void writeAfterRecords(Path segment, ByteBuffer bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ch.write(bytes, endOfRecords(ch));
    }
  }

  /** The offset after the last record of a segment (its first zero length). */
  private static long endOfRecords(FileChannel ch) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(4);
    long at = 0;
    while (true) {
      header.clear();
      ch.read(header, at);
      int length = header.flip().getInt();
      if (length == 0) {
        return at;
      }
      at += 8 + length;
    }
  }

  private static void join(Thread t) {
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
