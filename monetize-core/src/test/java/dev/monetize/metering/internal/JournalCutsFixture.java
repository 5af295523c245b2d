package dev.monetize.metering.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.ManualTimeSource;
import dev.monetize.metering.FsyncPolicy;
import dev.monetize.metering.UsageRecord;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.io.TempDir;

/** What the tests of the journal's cuts share: a journal in a temporary directory, a meter over it, a clock. */
abstract class JournalCutsFixture {
  static final Instant MIDNIGHT = Instant.parse("2026-04-01T00:00:00Z");
  final ManualTimeSource time = ManualTimeSource.at(MIDNIGHT.minusSeconds(2));
  final List<UsageRecord> delivered = new CopyOnWriteArrayList<>();
  @TempDir
  Path dir;

  UsageJournal open() {
    return UsageJournal.open(dir, FsyncPolicy.DEFAULT, time.now(), 1 << 16, 4);
  }

  UsageMeter meter(UsageJournal journal) {
    return new UsageMeter(delivered::addAll, time, Optional.of(journal), batch -> {});
  }

  /** Records {@code n} calls of customer acme's key {@code key}, completed now. */
  void record(UsageMeter meter, String key, int n) {
    for (int i = 0; i < n; i++) {
      meter.record("acme", key, "summary", 200, false, 0, 100, 1_000, 0, Map.of(), time.epochNanos());
    }
  }

  /** A meter on {@code journal} that has delivered one call of key {@code key}: where most scenarios start. */
  UsageMeter deliveredOne(UsageJournal journal, String key) {
    UsageMeter meter = meter(journal);
    record(meter, key, 1);
    assertThat(meter.flush()).isTrue();
    return meter;
  }

  /** A plan change now, as the engine makes one: held, cut at its instant, released. */
  static Instant planChange(UsageMeter meter) {
    Instant at = meter.hold();
    meter.cutAt(at);
    meter.release();
    return at;
  }

  /** What a next run delivers of {@code journal}, closing it after. */
  void deliverAll(UsageJournal journal) {
    try (journal) {
      UsageMeter again = meter(journal);
      for (int i = 0; i < 8; i++) {
        assertThat(again.flush()).isTrue();
      }
    }
  }

  long calls(String key) {
    return delivered.stream().filter(r -> r.keyId().equals(key)).mapToLong(UsageRecord::calls).sum();
  }

  long calls(Instant from, Instant to) {
    return delivered.stream().filter(r -> r.from().equals(from) && r.to().equals(to))
        .mapToLong(UsageRecord::calls).sum();
  }

  UsageRecord only(String key) {
    assertThat(delivered.stream().filter(r -> r.keyId().equals(key)).count()).as(key).isEqualTo(1);
    return delivered.stream().filter(r -> r.keyId().equals(key)).findFirst().orElseThrow();
  }
}
