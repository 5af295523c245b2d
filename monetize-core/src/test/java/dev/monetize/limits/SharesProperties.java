package dev.monetize.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.limits.internal.Shares;
import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Quota shares agree with exact arithmetic for every long, the huge quotas where {@code x 100} overflows included. */
class SharesProperties {
  private static final BigInteger HUNDRED = BigInteger.valueOf(100);

  @Property(tries = 2_000)
  void reachedIsExact(@ForAll("used") long used, @ForAll @IntRange(min = 0, max = 100) int percent,
      @ForAll("limits") long limit) {
    boolean exact = BigInteger.valueOf(used).multiply(HUNDRED)
        .compareTo(BigInteger.valueOf(percent).multiply(BigInteger.valueOf(limit))) >= 0;
    assertThat(Shares.reached(used, percent, limit)).isEqualTo(exact);
  }

  @Property(tries = 2_000)
  void percentUsedIsTheFloorOfTheExactShare(@ForAll("used") long used, @ForAll("limits") long limit) {
    if (limit == 0) {
      return;
    }
    BigInteger[] qr = BigInteger.valueOf(used).multiply(HUNDRED).divideAndRemainder(BigInteger.valueOf(limit));
    BigInteger floor = qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0];
    if (floor.bitLength() < 64) {
      assertThat(Shares.percentUsed(used, limit)).isEqualTo(floor.longValueExact());
    }
  }

  @Provide
  Arbitrary<Long> used() {
    return Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(-1_000, 1_000),
        Arbitraries.longs().between(Long.MAX_VALUE / 100 - 1_000, Long.MAX_VALUE / 100 + 1_000),
        Arbitraries.longs().between(Long.MAX_VALUE - 1_000, Long.MAX_VALUE));
  }

  @Provide
  Arbitrary<Long> limits() {
    return Arbitraries.oneOf(Arbitraries.longs().between(0, Long.MAX_VALUE), Arbitraries.longs().between(0, 1_000),
        Arbitraries.longs().between(Long.MAX_VALUE / 100 - 1_000, Long.MAX_VALUE / 100 + 1_000),
        Arbitraries.longs().between(Long.MAX_VALUE - 1_000, Long.MAX_VALUE));
  }
}
