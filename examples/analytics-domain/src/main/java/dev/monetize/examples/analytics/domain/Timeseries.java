package dev.monetize.examples.analytics.domain;

import java.time.Instant;
import java.util.List;

/**
 * Event counts and value sums per interval of a time range.
 *
 * @param from start of the range
 * @param to end of the range (exclusive)
 * @param interval the width of a bucket: {@code minute}, {@code hour} or {@code day}
 * @param buckets one per interval, oldest first
 */
public record Timeseries(Instant from, Instant to, String interval, List<Bucket> buckets) {
  /** Copies. */
  public Timeseries {
    buckets = List.copyOf(buckets);
  }
}
