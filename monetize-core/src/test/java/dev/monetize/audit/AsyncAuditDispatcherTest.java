package dev.monetize.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.audit.internal.AsyncAuditDispatcher;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AsyncAuditDispatcherTest {
  private static AuditEvent event(int i) {
    return new AuditEvent(Instant.EPOCH, "r" + i, Optional.of("acme"), Optional.of("key_1"), "op", "GET", "/p",
        "127.0.0.1", 200, "admitted", 1, 1);
  }

  /** A sink that blocks until released, so the queue fills up deterministically. */
  private static final class GatedSink implements AuditSink {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final List<AuditEvent> received = new CopyOnWriteArrayList<>();

    @Override
    public void accept(List<AuditEvent> batch) throws InterruptedException {
      entered.countDown();
      release.await(30, TimeUnit.SECONDS);
      received.addAll(batch);
    }
  }

  @Test
  void dropPolicyCountsWhatDoesNotFitAndDeliversTheRest() throws Exception {
    GatedSink sink = new GatedSink();
    try (AsyncAuditDispatcher d = new AsyncAuditDispatcher(sink, 4, AuditOverflow.DROP)) {
      d.submit(event(0));
      assertThat(sink.entered.await(10, TimeUnit.SECONDS)).isTrue(); // the worker is stuck in the sink
      for (int i = 1; i <= 10; i++) {
        d.submit(event(i));
      }
      assertThat(d.dropped()).isEqualTo(6);
      sink.release.countDown();
    }
    assertThat(sink.received).hasSize(5);
  }

  @Test
  void callerRunsLosesNothing() throws Exception {
    GatedSink sink = new GatedSink();
    sink.release.countDown();
    try (AsyncAuditDispatcher d = new AsyncAuditDispatcher(sink, 2, AuditOverflow.CALLER_RUNS)) {
      for (int i = 0; i < 100; i++) {
        d.submit(event(i));
      }
      assertThat(d.dropped()).isZero();
    }
    assertThat(sink.received).hasSize(100);
  }

  @Test
  void aFailingSinkIsContained() {
    try (AsyncAuditDispatcher d = new AsyncAuditDispatcher(batch -> {
      throw new IllegalStateException("down");
    }, 10, AuditOverflow.DROP)) {
      d.submit(event(1));
      d.drain();
      assertThat(d.sinkFailures()).isPositive();
    }
  }
}
