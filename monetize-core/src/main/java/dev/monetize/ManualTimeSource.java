package dev.monetize;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link TimeSource} that moves only when told to, for tests.
 *
 * <pre>{@code
 * ManualTimeSource time = ManualTimeSource.at(Instant.parse("2026-01-01T00:00:00Z"));
 * time.advance(Duration.ofSeconds(1));
 * }</pre>
 */
public final class ManualTimeSource implements TimeSource {
  private final AtomicLong nanos;

  private ManualTimeSource(long nanos) {
    this.nanos = new AtomicLong(nanos);
  }

  /** A clock standing at {@code start}. */
  public static ManualTimeSource at(Instant start) {
    return new ManualTimeSource(start.getEpochSecond() * 1_000_000_000L + start.getNano());
  }

  @Override
  public long epochNanos() {
    return nanos.get();
  }

  /** Moves the clock forward (or backward, for a negative duration). */
  public void advance(Duration by) {
    nanos.addAndGet(by.toNanos());
  }

  /** Sets the clock. */
  public void set(Instant to) {
    nanos.set(to.getEpochSecond() * 1_000_000_000L + to.getNano());
  }
}
