package dev.monetize.metering.internal;

import dev.monetize.TimeSource;
import dev.monetize.metering.FsyncPolicy;
import dev.monetize.metering.UsageSink;
import dev.monetize.metering.UsageRecord;
import dev.monetize.metering.UsageTotals;
import dev.monetize.plans.Customer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Usage from the request to the sink: the meter (and its journal, when there is a data
 * directory), the flusher thread that delivers it every interval, and the fsync thread of a
 * periodic policy. It also answers the totals that usage reports and invoices read: the sink's own
 * when it keeps them (a shared ledger), else a {@link MemoryLedger} of what was delivered to it.
 * Started by the engine, closed with it.
 */
public final class UsagePipeline implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UsagePipeline.class);

  private final UsageMeter meter;
  private final Optional<UsageJournal> journal;
  private final Optional<MemoryLedger> ledger;
  private final UsageTotals totals;
  private final ScheduledExecutorService flusher;
  private final TimeSource time;
  /** When it was opened, on the engine's clock. */
  private final long openedAt;
  private final Optional<ScheduledExecutorService> journalSync;

  /**
   * Opens the journal in {@code journalDir} (if any) and starts delivering to {@code sink} every
   * {@code every}; with a journal, the first delivery runs at once and sends what a previous run
   * left unacknowledged.
   *
   * @param customers where the memory ledger finds a customer's billing period
   * @param planChanges where it finds the plan changes that cut a period
   */
  public UsagePipeline(UsageSink sink, TimeSource time, Optional<Path> journalDir, FsyncPolicy fsync, Duration every,
      Function<String, Optional<Customer>> customers, MemoryLedger.PlanChanges planChanges) {
    this.time = time;
    this.openedAt = time.epochNanos();
    this.ledger = sink instanceof UsageTotals ? Optional.empty() : Optional.of(new MemoryLedger(customers, planChanges));
    this.totals = sink instanceof UsageTotals t ? t : ledger.orElseThrow();
    this.journal = journalDir.map(d -> UsageJournal.open(d, fsync, time.now()));
    Consumer<List<UsageRecord>> delivered = ledger.isPresent() ? ledger.get()::add : batch -> { };
    this.meter = new UsageMeter(sink, time, journal, delivered);
    this.flusher = daemon("monetize-usage-flusher");
    long millis = every.toMillis();
    flusher.scheduleWithFixedDelay(this::flushQuietly, journal.isEmpty() ? millis : 0, millis, TimeUnit.MILLISECONDS);
    if (journal.isPresent() && fsync.periodic()) {
      ScheduledExecutorService sync = daemon("monetize-journal-fsync");
      long interval = Math.max(1, fsync.interval().toMillis());
      sync.scheduleWithFixedDelay(this::syncQuietly, interval, interval, TimeUnit.MILLISECONDS);
      this.journalSync = Optional.of(sync);
    } else {
      this.journalSync = Optional.empty();
    }
  }

  private static ScheduledExecutorService daemon(String name) {
    return Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }

  /** The meter requests record into. */
  public UsageMeter meter() {
    return meter;
  }

  /**
   * The totals usage reports read, after delivering what this node recorded before the report
   * arrived (unless the sink is backing off after a failure; deliveries for readers are coalesced,
   * at most one per 100 ms): a report includes every call admitted before it, except while the
   * sink refuses deliveries.
   */
  /**
   * Whether the totals hold every call recorded on this node so far: no delivery the sink refused is
   * waiting (a final invoice is made only then).
   */
  public boolean complete() {
    return !meter.refusedDeliveryWaiting();
  }

  public UsageTotals settledTotals() {
    try {
      meter.settle(System.nanoTime());
    } catch (java.io.UncheckedIOException e) { // the journal's disk is full: the report shows what was delivered
      LOG.warn("usage report without the latest calls: {}", e.toString());
    }
    return totals;
  }

  /**
   * The totals, once what a previous run left in the journal has been delivered (the flusher's
   * first delivery sends it; a caller before it waits up to a second, and never delivers itself):
   * what restoring quotas after a restart reads.
   *
   * A journal the sink still refuses a minute after the start (on the engine's clock) is logged at {@code ERROR} and
   * read past: quotas restored without it rather than refused for the rest of their windows.
   *
   * @throws IllegalStateException while the sink refuses that delivery, for the first minute
   */
  public UsageTotals recoveredTotals() {
    if (journal.isPresent() && !meter.deliveredOnce() && !journalPassed) {
      if (!meter.awaitFirstDelivery(1_000)) {
        if (time.epochNanos() - openedAt < JOURNAL_GRACE_NANOS) {
          throw new IllegalStateException("the usage the previous run left in the journal is not delivered yet");
        }
        journalPassed = true;
        LOG.error("the usage sink still refuses what the previous run left in the journal {}: quotas are restored "
            + "without those calls", journal.get().directory());
      }
    }
    return totals;
  }

  private static final long JOURNAL_GRACE_NANOS = TimeUnit.MINUTES.toNanos(1);
  private volatile boolean journalPassed;

  /**
   * A plan change's first part (the sink's own totals cut by record time): a new slice of each customer's period at its
   * change, before the meter's cut (a delivery racing it lands on the right side). A customer whose
   * account cannot be cut is logged; the others are cut all the same.
   */
  public void cutLedger(java.util.List<dev.monetize.billing.PlanChange> changes) {
    ledger.ifPresent(l -> changes.forEach(c -> {
      try {
        l.cut(c.customerId(), c.since());
      } catch (RuntimeException e) {
        LOG.warn("cutting the usage of {} at its plan change failed: {}", c.customerId(), e.toString());
      }
    }));
  }

  /**
   * A plan change's second part, after {@link #cutLedger}: the meter's interval ends at the latest of the changes' instants
   * (what was recorded before goes in an interval that ends there, delivered with the next delivery).
   * No delivery: with a journal, one line appended to its file of cuts (a couple of microseconds; forced
   * when every call is), else in memory. The engine holds back the calls completing meanwhile (each lands
   * on one side).
   */
  public void cutMeter(java.util.List<dev.monetize.billing.PlanChange> changes) {
    changes.stream().map(dev.monetize.billing.PlanChange::since).max(java.util.Comparator.naturalOrder())
        .ifPresent(meter::cutAt);
  }

  /** Delivers all usage recorded so far; true when nothing is left pending. */
  public boolean flush() {
    return meter.flush();
  }

  private void flushQuietly() {
    try {
      meter.flushIfDue();
    } catch (RuntimeException e) {
      LOG.error("usage flush failed", e);
    }
  }

  private void syncQuietly() {
    try {
      journal.orElseThrow().force();
    } catch (RuntimeException e) {
      LOG.error("usage journal fsync failed", e);
    }
  }

  /**
   * Stops the threads after a last delivery. With a journal, usage the sink still refuses stays
   * in the journal for the next start.
   */
  @Override
  public void close() {
    flusher.shutdown();
    journalSync.ifPresent(ScheduledExecutorService::shutdown);
    try {
      flusher.awaitTermination(5, TimeUnit.SECONDS);
      if (journalSync.isPresent()) {
        journalSync.get().awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    meter.releaseAll(); // a plan change saved while closing: its calls are delivered, not held back
    try {
      if (!meter.flush()) {
        if (journal.isPresent()) {
          LOG.warn("usage sink still failing at shutdown: {} records stay in the journal {} for the next start",
              meter.pendingRecords(), journal.get().directory());
        } else {
          LOG.error("usage sink still failing at shutdown: {} records could not be delivered", meter.pendingRecords());
        }
      }
    } catch (RuntimeException e) {
      LOG.error("last usage flush failed", e);
    }
    journal.ifPresent(UsageJournal::close);
  }
}
