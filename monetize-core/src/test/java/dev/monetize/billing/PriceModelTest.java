package dev.monetize.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.monetize.billing.PriceModel.Tier;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Currency;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every price model at 0, at and around each tier bound, against amounts computed by hand. */
class PriceModelTest {
  /** The example: 1,000 included, then 0.002 up to the period's 10,000th call, then 0.001. */
  private static final PriceModel GRADUATED = PriceModel.graduated(Tier.upTo(10_000, "0.002"), Tier.rest("0.001"))
      .withIncluded(1_000);
  private static final PriceModel VOLUME = PriceModel.volume(Tier.upTo(1_000_000, "0.000002").withFlatFee("1.00"),
      Tier.rest("0.000001"));

  static Stream<Arguments> table() {
    return Stream.of(
        // model, units, expected (by hand)
        Arguments.of(PriceModel.flat("49.00"), 0L, "49.00"),
        Arguments.of(PriceModel.perUnit("0.002"), 0L, "0"),
        Arguments.of(PriceModel.perUnit("0.002"), 12_345L, "24.690"),
        // 0.09 per GiB: 52,000 bytes = 52000 x 0.09 / 2^30
        Arguments.of(PriceModel.perUnit("0.09").per(1L << 30), 52_000L, "0.000004358589649200439453125"),
        Arguments.of(PriceModel.perUnit("0.09").per(1L << 30), 1L << 31, "0.18"),
        Arguments.of(PriceModel.perUnit("0.01").withIncluded(500), 499L, "0"),
        Arguments.of(PriceModel.perUnit("0.01").withIncluded(500), 500L, "0"),
        Arguments.of(PriceModel.perUnit("0.01").withIncluded(500), 750L, "2.50"),
        // graduated with included: the tier bound counts the included calls
        Arguments.of(GRADUATED, 0L, "0"),
        Arguments.of(GRADUATED, 1_000L, "0"),
        Arguments.of(GRADUATED, 1_001L, "0.002"),
        Arguments.of(GRADUATED, 9_999L, "17.998"),
        Arguments.of(GRADUATED, 10_000L, "18.000"), // 9,000 x 0.002
        Arguments.of(GRADUATED, 10_001L, "18.001"),
        Arguments.of(GRADUATED, 12_000L, "20.000"), // 18 + 2,000 x 0.001
        // graduated tiers with flat fees, charged when a charged unit falls in the tier
        Arguments.of(PriceModel.graduated(Tier.upTo(100, "0").withFlatFee("5"), Tier.rest("0.10").withFlatFee("20")),
            0L, "0"),
        Arguments.of(PriceModel.graduated(Tier.upTo(100, "0").withFlatFee("5"), Tier.rest("0.10").withFlatFee("20")),
            100L, "5"),
        Arguments.of(PriceModel.graduated(Tier.upTo(100, "0").withFlatFee("5"), Tier.rest("0.10").withFlatFee("20")),
            150L, "30.00"),
        // volume: every unit at the tier of the total, plus that tier's flat fee
        Arguments.of(VOLUME, 0L, "0"),
        Arguments.of(VOLUME, 1L, "1.000002"),
        Arguments.of(VOLUME, 1_000_000L, "3.000000"),
        Arguments.of(VOLUME, 1_000_001L, "1.000001"),
        Arguments.of(PriceModel.volume(Tier.upTo(1_000, "0.003"), Tier.rest("0.001")).withIncluded(100), 100L, "0"),
        Arguments.of(PriceModel.volume(Tier.upTo(1_000, "0.003"), Tier.rest("0.001")).withIncluded(100), 1_000L, "2.700"),
        Arguments.of(PriceModel.volume(Tier.upTo(1_000, "0.003"), Tier.rest("0.001")).withIncluded(100), 1_001L, "0.901"),
        // packages of 100 at 5.00: every started package
        Arguments.of(PriceModel.packaged(100, "5.00"), 0L, "0"),
        Arguments.of(PriceModel.packaged(100, "5.00"), 1L, "5.00"),
        Arguments.of(PriceModel.packaged(100, "5.00"), 100L, "5.00"),
        Arguments.of(PriceModel.packaged(100, "5.00"), 101L, "10.00"),
        Arguments.of(PriceModel.packaged(100, "5.00").withIncluded(50), 150L, "5.00"),
        Arguments.of(PriceModel.packaged(100, "5.00").withIncluded(50), 151L, "10.00"));
  }

  @ParameterizedTest
  @MethodSource("table")
  void matchesTheHandComputedAmount(PriceModel model, long units, String expected) {
    assertThat(model.charge(units)).isEqualByComparingTo(expected);
  }

  @Test
  void badTiersAndValuesAreRefusedWithTheReason() {
    assertThatThrownBy(() -> PriceModel.graduated(Tier.upTo(10, "1"), Tier.upTo(5, "1"), Tier.rest("1")))
        .hasMessageContaining("tier bounds must increase");
    assertThatThrownBy(() -> PriceModel.volume(Tier.rest("1"), Tier.rest("1"))).hasMessageContaining("only the last");
    assertThatThrownBy(() -> PriceModel.volume(Tier.upTo(5, "1"))).hasMessageContaining("only the last");
    assertThatThrownBy(() -> PriceModel.perUnit("-1")).hasMessageContaining("cannot be negative");
    assertThatThrownBy(() -> PriceModel.packaged(0, "1")).hasMessageContaining("at least 1");
    assertThatThrownBy(() -> PriceModel.perUnit("1").charge(-1)).hasMessageContaining("negative");
    assertThatThrownBy(() -> PriceModel.perUnit("1").per(3)).hasMessageContaining("only prime factors are 2 and 5");
    assertThatThrownBy(() -> PriceModel.perUnit("1").withIncluded(-1)).hasMessageContaining("negative");
  }

  /** Bug 8: the fraction is never rounded before the money: 27.03 x 5/30 = 4.505 exactly, 4.50 half even. */
  @Test
  void prorationRoundsOnceFromTheExactFraction() {
    Rating.Share share = new Rating.Share(5 * 86_400, 30 * 86_400);
    assertThat(Rating.amount(new BigDecimal("27.03"), share, Currency.getInstance("USD"))).isEqualByComparingTo("4.50");
    assertThat(Rating.amount(new BigDecimal("27.03"), share, Currency.getInstance("USD")).scale()).isEqualTo(2);
    assertThat(Rating.amount(new BigDecimal("1000"), new Rating.Share(1, 3), Currency.getInstance("JPY")).toPlainString())
        .isEqualTo("333");
    assertThat(Rating.amount(new BigDecimal("10"), new Rating.Share(1, 3), Currency.getInstance("KWD")).toPlainString())
        .isEqualTo("3.333");
  }

  /** Bug 7: proration is by seconds, so the parts of a month with a clock change add up to it exactly. */
  @Test
  void sharesAreSecondsAndAddUpInADaylightSavingMonth() {
    Instant start = Instant.parse("2026-03-01T05:00:00Z"); // March in New York: 30 days and 23 hours
    Instant change = Instant.parse("2026-03-11T04:00:00Z");
    Instant end = Instant.parse("2026-04-01T04:00:00Z");
    Rating.Share before = Rating.Share.of(start, change, start, end);
    Rating.Share after = Rating.Share.of(change, end, start, end);
    assertThat(before.periodSeconds()).isEqualTo(30 * 86_400 + 23 * 3_600);
    assertThat(before.seconds() + after.seconds()).isEqualTo(before.periodSeconds());
  }
}
