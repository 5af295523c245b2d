package dev.monetize.audit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.audit.AuditEvent;
import dev.monetize.audit.AuditOverflow;
import dev.monetize.audit.AuditSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A durable sink loses nothing: a full queue and a failing sink spill to disk, delivered later and after a restart. */
class AuditSpillTest {
  @TempDir
  Path dir;

  /** A durable sink that refuses batches while {@code down}, and can hold the delivery thread. */
  static final class Durable implements AuditSink {
    final List<AuditEvent> kept = Collections.synchronizedList(new ArrayList<>());
    final AtomicBoolean down = new AtomicBoolean();
    volatile CountDownLatch hold = new CountDownLatch(0);

    @Override
    public void accept(List<AuditEvent> batch) throws Exception {
      hold.await();
      if (down.get()) {
        throw new java.sql.SQLException("connection refused");
      }
      kept.addAll(batch);
    }

    @Override
    public boolean durable() {
      return true;
    }

    List<String> ids() {
      synchronized (kept) {
        return kept.stream().map(AuditEvent::requestId).sorted().toList();
      }
    }
  }

  private static AuditEvent event(int i) {
    return new AuditEvent(Instant.parse("2026-12-02T10:00:00Z").plusMillis(i), String.format("r%05d", i),
        Optional.of("acme"), Optional.of("key_1"), "stats", "GET", "/v1/stats", "203.0.113.9", 200, "admitted", 10,
        100, Map.of(), 0, 0, "", "", "", "/v1/stats", Map.of("from", "#0123456789abcdef"), "curl/8.5");
  }

  private static List<String> ids(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(String.format("r%05d", i));
    }
    return out;
  }

  @Test
  void aFullQueueSpillsAndEveryEventArrivesOnceInAValidChain() throws Exception {
    Durable sink = new Durable();
    sink.hold = new CountDownLatch(1); // the sink is slow: the queue of 8 fills at once
    try (AsyncAuditDispatcher d = new AsyncAuditDispatcher(sink, 8, AuditOverflow.SPILL, Optional.of(dir),
        QueryRedaction.random())) {
      for (int i = 0; i < 1_000; i++) {
        d.submit(event(i));
      }
      assertThat(d.spilled()).isGreaterThanOrEqualTo(1_000 - 8 - 512);
      assertThat(d.dropped()).isZero();
      sink.hold.countDown();
      d.flush();
    }
    assertThat(sink.ids()).isEqualTo(ids(1_000));
    assertThat(AuditVerifierBridge.verify(sink.kept)).isEmpty();
    assertThat(sink.kept).allSatisfy(e -> assertThat(e.query()).containsEntry("from", "#0123456789abcdef"));
    try (var files = Files.list(dir)) {
      assertThat(files.filter(f -> f.getFileName().toString().startsWith("audit-spill"))).isEmpty();
    }
  }

  @Test
  void batchesADownSinkRefusedWaitOnDiskAndSurviveARestart() throws Exception {
    Durable sink = new Durable();
    sink.down.set(true);
    try (AsyncAuditDispatcher d = new AsyncAuditDispatcher(sink, 1_000, AuditOverflow.SPILL, Optional.of(dir),
        QueryRedaction.random())) {
      for (int i = 0; i < 300; i++) {
        d.submit(event(i));
      }
      d.flush(); // delivered, refused, spilled; the replay is refused too and keeps them
      assertThat(d.sinkFailures()).isPositive();
      assertThat(d.spilled()).isEqualTo(300);
    }
    assertThat(sink.kept).isEmpty();
    sink.down.set(false); // the database is back; a new process starts on the same directory
    try (AsyncAuditDispatcher d = new AsyncAuditDispatcher(sink, 1_000, AuditOverflow.SPILL, Optional.of(dir),
        QueryRedaction.random())) {
      d.submit(event(300));
      d.flush();
    }
    assertThat(sink.ids()).isEqualTo(ids(301));
    assertThat(AuditVerifierBridge.verify(sink.kept)).isEmpty();
  }

  @Test
  void aReplayStoppedHalfwayGoesOnAfterARestartWithoutDeliveringAnyEventTwice() throws Exception {
    AuditSpill spill = new AuditSpill(dir);
    List<AuditEvent> events = new ArrayList<>();
    for (int i = 0; i < 1_200; i++) {
      events.add(event(i));
    }
    assertThat(spill.append(events)).isTrue();
    List<AuditEvent> got = new ArrayList<>();
    int[] calls = {0};
    try {
      spill.replay(batch -> {
        if (++calls[0] == 2) {
          throw new java.sql.SQLException("connection reset");
        }
        got.addAll(batch);
      });
    } catch (java.io.IOException expected) {
      assertThat(expected).hasMessageContaining("connection reset");
    }
    assertThat(got).hasSize(512);
    AuditSpill restarted = new AuditSpill(dir); // a new process on the same directory
    assertThat(restarted.pending()).isTrue();
    assertThat(restarted.replay(got::addAll)).isEqualTo(1_200 - 512);
    assertThat(got.stream().map(AuditEvent::requestId).toList()).isEqualTo(ids(1_200));
    assertThat(restarted.pending()).isFalse();
  }

  @Test
  void aLineTornByACrashIsSetAsideAndBlocksNothing() throws Exception {
    AuditSpill spill = new AuditSpill(dir);
    assertThat(spill.append(List.of(event(0)))).isTrue();
    String torn = event(1).json().substring(0, 40); // the process died in the middle of this write
    Files.writeString(dir.resolve(AuditSpill.FILE), torn, java.nio.file.StandardOpenOption.APPEND);
    assertThat(spill.append(List.of(event(2), event(3)))).isTrue();
    List<AuditEvent> got = new ArrayList<>();
    assertThat(spill.replay(got::addAll)).isEqualTo(3);
    assertThat(got.stream().map(AuditEvent::requestId).toList()).containsExactly("r00000", "r00002", "r00003");
    assertThat(spill.unreadable()).isEqualTo(1);
    assertThat(Files.readString(dir.resolve(AuditSpill.UNREADABLE))).isEqualTo(torn + "\n");
    assertThat(spill.pending()).isFalse();
  }

  @Test
  void aFullSpillRefusesAndTheCallerDelivers() throws Exception {
    AuditSpill small = new AuditSpill(dir, 2_000);
    assertThat(small.append(List.of(event(0)))).isTrue();
    assertThat(small.append(List.of(event(1), event(2), event(3), event(4), event(5)))).isFalse();
    Durable sink = new Durable();
    sink.hold = new CountDownLatch(1);
    try (AsyncAuditDispatcher d = new AsyncAuditDispatcher(sink, 1, AuditOverflow.SPILL, Optional.of(dir.resolve("x")),
        QueryRedaction.random())) {
      d.submit(event(10)); // queued
      sink.hold.countDown();
      d.flush();
    }
    assertThat(sink.ids()).containsExactly("r00010");
  }
}
