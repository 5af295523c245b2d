package dev.monetize.insight.internal;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Latencies in microseconds, counted in log-linear buckets: eight per power of two, so a quantile
 * is off by at most 12.5% (the bucket's width), from 1 µs to about 12 days. Recording is one
 * atomic add, without allocation or lock.
 */
public final class LatencyHistogram {
  private static final int SUB = 3; // 2^3 buckets per power of two
  private static final int BUCKETS = (64 - SUB) * (1 << SUB);
  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

  /** Counts one latency of {@code micros} (negative counts as 0). */
  public void record(long micros) {
    counts.incrementAndGet(index(Math.max(0, micros)));
  }

  static int index(long v) {
    if (v < (1 << SUB)) {
      return (int) v;
    }
    int power = 63 - Long.numberOfLeadingZeros(v); // >= SUB
    int sub = (int) (v >>> (power - SUB)) & ((1 << SUB) - 1);
    return (power - SUB + 1) * (1 << SUB) + sub;
  }

  /** The largest value of bucket {@code i}. */
  static long upper(int i) {
    if (i < (1 << SUB)) {
      return i;
    }
    int power = i / (1 << SUB) + SUB - 1;
    long sub = i % (1 << SUB);
    long low = (1L << power) | (sub << (power - SUB));
    return low + (1L << (power - SUB)) - 1;
  }

  /** How many latencies were counted. */
  public long count() {
    long n = 0;
    for (int i = 0; i < BUCKETS; i++) {
      n += counts.get(i);
    }
    return n;
  }

  /** Adds {@code other}'s counts to this one. */
  public void add(LatencyHistogram other) {
    for (int i = 0; i < BUCKETS; i++) {
      long c = other.counts.get(i);
      if (c != 0) {
        counts.addAndGet(i, c);
      }
    }
  }

  /**
   * The latency at quantile {@code q} (0 to 1): the top of the bucket holding it, so never below
   * the true value and at most 12.5% above; 0 when nothing was counted.
   */
  public long quantile(double q) {
    long total = count();
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, q == 0.99 ? (99 * total + 99) / 100 : q == 0.5 ? (total + 1) / 2 : (long) Math.ceil(q * total));
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts.get(i);
      if (seen >= rank) {
        return upper(i);
      }
    }
    return upper(BUCKETS - 1);
  }
}
