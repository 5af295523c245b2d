package dev.monetize.metering;

import java.time.Duration;
import java.util.Objects;

/**
 * When the usage journal forces its writes to the disk. Every journaled call is in the operating
 * system's page cache before its response completes, so a killed process ({@code kill -9}, an
 * out-of-memory kill) loses nothing whatever the policy; the policy only bounds what a power
 * failure or a kernel crash can take:
 * <ul>
 *   <li>{@link #never()}: the kernel writes back when it likes (Linux: dirty pages older than
 *       about 30 s); a power failure can lose that much.</li>
 *   <li>{@link #every(Duration)} (the default, every second): a background thread forces the
 *       journal; a power failure loses at most that interval of calls.</li>
 *   <li>{@link #always()}: each call is forced before its response completes; nothing answered is
 *       lost, at the price of one disk flush per call (thousands, not hundreds of thousands, per
 *       second).</li>
 * </ul>
 *
 * @param interval how often to force; {@link Duration#ZERO} for every call, negative for never
 */
public record FsyncPolicy(Duration interval) {
  /** The default: force every second. */
  public static final FsyncPolicy DEFAULT = new FsyncPolicy(Duration.ofSeconds(1));

  /** Validates. */
  public FsyncPolicy {
    Objects.requireNonNull(interval, "interval");
    if (interval.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("fsync interval must be at most 1h, got " + interval);
    }
  }

  /** Never force; the kernel writes back on its own schedule. */
  public static FsyncPolicy never() {
    return new FsyncPolicy(Duration.ofNanos(-1));
  }

  /** Force every {@code interval} (1 ms to 1 h) from a background thread. */
  public static FsyncPolicy every(Duration interval) {
    if (interval.toMillis() < 1) {
      throw new IllegalArgumentException("fsync interval must be at least 1ms, got " + interval
          + "; use FsyncPolicy.always() to force every call");
    }
    return new FsyncPolicy(interval);
  }

  /** Force each call before its response completes. */
  public static FsyncPolicy always() {
    return new FsyncPolicy(Duration.ZERO);
  }

  /** Whether each append is forced. */
  public boolean perCall() {
    return interval.isZero();
  }

  /** Whether the journal is ever forced (false for {@link #never()}). */
  public boolean forces() {
    return !interval.isNegative();
  }

  /** Whether a background thread forces the journal periodically. */
  public boolean periodic() {
    return !interval.isNegative() && !interval.isZero();
  }

  /**
   * Parses {@code never}, {@code always} or a duration such as {@code 1s}, {@code 200ms},
   * {@code 5m}.
   *
   * @throws IllegalArgumentException naming the accepted forms
   */
  public static FsyncPolicy parse(String text) {
    String t = text.trim().toLowerCase(java.util.Locale.ROOT);
    if (t.equals("never")) {
      return never();
    }
    if (t.equals("always")) {
      return always();
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,7})(ms|s|m)").matcher(t);
    if (!m.matches()) {
      throw new IllegalArgumentException("fsync policy must be never, always or an interval like 1s, 200ms or 5m, got '"
          + text + "'");
    }
    long n = Long.parseLong(m.group(1));
    Duration d = switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      default -> Duration.ofMinutes(n);
    };
    return every(d);
  }
}
