package dev.monetize.limits.internal;

import java.math.BigInteger;

/**
 * Shares of a quota in whole percent, exact for every {@code long}: {@code used * 100} and
 * {@code percent * limit} overflow for a quota above {@code Long.MAX_VALUE / 100} (a "practically
 * unlimited" plan), which would otherwise read as a quota almost used up.
 */
public final class Shares {
  /** Up to this, {@code x * 100} fits a {@code long}. */
  private static final long SMALL = Long.MAX_VALUE / 100;

  private Shares() {}

  /**
   * Whether {@code used} is at least {@code percent}% of {@code limit}, that is
   * {@code used * 100 >= percent * limit} computed without overflow.
   *
   * @param percent 0 to 100
   * @param limit at least 0
   */
  public static boolean reached(long used, int percent, long limit) {
    if (percent < 0 || percent > 100 || limit < 0) {
      throw new IllegalArgumentException("a share is 0 to 100 percent of a limit of at least 0, got " + percent
          + "% of " + limit);
    }
    if (limit <= SMALL && used <= SMALL && used >= -SMALL) { // every quota a person writes: no division
      return used * 100 >= percent * limit;
    }
    // percent * limit / 100, rounded up, in two parts that cannot overflow: at most limit + 100
    long threshold = limit / 100 * percent + ((limit % 100) * percent + 99) / 100;
    return used >= threshold;
  }

  /** {@code used} as whole percent of {@code limit} (rounded down); {@code limit} is positive. */
  public static long percentUsed(long used, long limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("a share is of a positive limit, got " + limit);
    }
    if (used >= -(Long.MAX_VALUE / 100) && used <= Long.MAX_VALUE / 100) {
      return Math.floorDiv(used * 100, limit);
    }
    BigInteger[] qr = BigInteger.valueOf(used).multiply(BigInteger.valueOf(100)).divideAndRemainder(BigInteger.valueOf(limit));
    return (qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0]).longValue(); // rounded down, as floorDiv
  }
}
