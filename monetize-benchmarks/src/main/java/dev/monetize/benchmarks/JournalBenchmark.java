package dev.monetize.benchmarks;

import dev.monetize.TimeSource;
import dev.monetize.metering.FsyncPolicy;
import dev.monetize.metering.internal.UsageJournal;
import dev.monetize.metering.internal.UsageMeter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Recording one call's usage, as {@code Admission.complete} does: in memory only, or appended to
 * the usage journal (memory-mapped segments in a temporary directory, default fsync policy). Beside
 * the measured threads runs what the engine runs in the background: every second a flush (which
 * reads the journal, delivers to a sink that drops the batch and retires delivered segments) and,
 * with the journal, an fsync of the current segments.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class JournalBenchmark {
  /** {@code memory}: counters only; {@code journal}: the durable journal. */
  @Param({"memory", "journal"})
  public String store;

  private Path dir;
  private UsageJournal journal;
  private UsageMeter meter;
  private ScheduledExecutorService background;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("monetize-journal-bench");
    journal = store.equals("journal") ? UsageJournal.open(dir, FsyncPolicy.DEFAULT, Instant.now()) : null;
    meter = new UsageMeter(batch -> { }, TimeSource.system(), Optional.ofNullable(journal), batch -> { });
    background = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "flusher");
      t.setDaemon(true);
      return t;
    });
    background.scheduleWithFixedDelay(() -> {
      meter.flushIfDue();
      if (journal != null && FsyncPolicy.DEFAULT.periodic()) {
        journal.force();
      }
    }, 1, 1, TimeUnit.SECONDS);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    background.shutdownNow();
    background.awaitTermination(30, TimeUnit.SECONDS);
    meter.flush();
    if (journal != null) {
      journal.close();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** One call: customer, key, operation, status 200, 128 bytes out, 1.5 ms. Back to back: the average at saturation. */
  @Benchmark
  public void record() {
    meter.record("acme", "key_8sJ2kLq0ZyXw4VbN", "stats.summary", 200, false, 128, 1_500_000);
  }

  /**
   * The same, each call timed: the distribution shows the append itself (median) apart from the
   * rare call that rolls to the next segment or waits for it to be prepared (the tail).
   */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  public void recordSampled() {
    record();
  }
}
