package dev.monetize.management.internal;

import dev.monetize.TimeSource;
import dev.monetize.errors.ErrorCode;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The slots of audit exports, whose answers are built in memory: an organization holds one from the
 * building until its answer is written (however slowly its client reads: it can never hold two
 * answers at once), and the service {@code atOnce} of them, each from the building until its answer
 * is written or {@link #HOLD} after it was handed over, whichever comes first (two slow readers
 * cannot keep every other organization's export waiting for longer).
 */
final class ExportSlots {
  /** How long past its hand-over an answer still being written keeps one of the service's slots. */
  static final Duration HOLD = Duration.ofMinutes(2);

  private final Semaphore service;
  private final Set<String> organizations = ConcurrentHashMap.newKeySet();
  private final ConcurrentLinkedQueue<Held> handedOver = new ConcurrentLinkedQueue<>();
  private final TimeSource time;

  ExportSlots(int atOnce, TimeSource time) {
    this.service = new Semaphore(atOnce);
    this.time = time;
  }

  /** An export's slots; {@link #run} lets go of both (once), as its answer's cleanable does. */
  final class Held implements Runnable {
    private final String organization;
    private final AtomicBoolean serviceFreed = new AtomicBoolean();
    private final AtomicBoolean organizationFreed = new AtomicBoolean();
    private volatile long deadlineNanos = Long.MAX_VALUE;

    private Held(String organization) {
      this.organization = organization;
    }

    private void freeService() {
      if (serviceFreed.compareAndSet(false, true)) {
        service.release();
      }
    }

    @Override
    public void run() {
      freeService();
      if (organizationFreed.compareAndSet(false, true)) {
        organizations.remove(organization);
      }
      handedOver.remove(this);
    }
  }

  /** Takes {@code organization}'s slot and one of the service's, or refuses ({@code 429 concurrency_limited}). */
  Held take(String organization) {
    if (!organizations.add(organization)) {
      throw new ManagementRefusal(ErrorCode.CONCURRENCY_LIMITED, "An export of this organization's audit trail is "
          + "running (or its answer is still being read): one at a time.", 1, List.of());
    }
    if (!service.tryAcquire()) {
      expire();
      if (!service.tryAcquire()) {
        organizations.remove(organization);
        throw new ManagementRefusal(ErrorCode.CONCURRENCY_LIMITED,
            "The service is exporting audit trails for others: try again in a second.", 1, List.of());
      }
    }
    return new Held(organization);
  }

  /** The answer of {@code held} is handed to the adapter: the service's slot goes at the latest {@link #HOLD} from now. */
  void handedOver(Held held) {
    held.deadlineNanos = time.epochNanos() + HOLD.toNanos();
    handedOver.add(held);
  }

  /** Frees the service's slots of answers handed over longer than {@link #HOLD} ago. */
  private void expire() {
    long now = time.epochNanos();
    for (Held h : handedOver) {
      if (now - h.deadlineNanos >= 0) {
        h.freeService();
        handedOver.remove(h);
      }
    }
  }
}
