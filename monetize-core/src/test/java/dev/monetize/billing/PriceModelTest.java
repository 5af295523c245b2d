package dev.monetize.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.monetize.billing.PriceModel.Tier;
import dev.monetize.plans.BillingAnchor;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Currency;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Every price model against amounts computed by hand. */
class PriceModelTest {
  private static final PriceModel GRADUATED = PriceModel.graduated(Tier.upTo(1_000, "0"), Tier.upTo(10_000, "0.002"),
      Tier.rest("0.001"));
  private static final PriceModel VOLUME = PriceModel.volume(Tier.upTo(1_000, "0.003"), Tier.upTo(10_000, "0.002"),
      Tier.rest("0.001"));

  static Stream<Arguments> table() {
    return Stream.of(
        // model, units, expected (by hand)
        Arguments.of(PriceModel.flat("49.00"), 0L, "49.00"),
        Arguments.of(PriceModel.flat("49.00"), 1_000_000L, "49.00"),
        Arguments.of(PriceModel.perUnit("0.002"), 0L, "0"),
        Arguments.of(PriceModel.perUnit("0.002"), 12_345L, "24.690"),
        // graduated: 1,000 free, 9,000 x 0.002 = 18, 2,000 x 0.001 = 2
        Arguments.of(GRADUATED, 12_000L, "20.000"),
        Arguments.of(GRADUATED, 1_000L, "0"),
        Arguments.of(GRADUATED, 1_001L, "0.002"),
        Arguments.of(GRADUATED, 10_000L, "18.000"),
        // volume: all units at the tier of the total
        Arguments.of(VOLUME, 1_000L, "3.000"),
        Arguments.of(VOLUME, 1_001L, "2.002"),
        Arguments.of(VOLUME, 12_000L, "12.000"),
        Arguments.of(VOLUME, 0L, "0"),
        // packages of 1,000 at 1.50: 2,001 units = 3 packages
        Arguments.of(PriceModel.packaged(1_000, "1.50"), 2_001L, "4.50"),
        Arguments.of(PriceModel.packaged(1_000, "1.50"), 2_000L, "3.00"),
        Arguments.of(PriceModel.packaged(1_000, "1.50"), 0L, "0"),
        // 500 included, then 0.01 each
        Arguments.of(PriceModel.included(500, PriceModel.perUnit("0.01")), 499L, "0"),
        Arguments.of(PriceModel.included(500, PriceModel.perUnit("0.01")), 750L, "2.50"),
        // a minimum commitment of 10 over 0.001 per unit
        Arguments.of(PriceModel.minimum("10", PriceModel.perUnit("0.001")), 3_000L, "10"),
        Arguments.of(PriceModel.minimum("10", PriceModel.perUnit("0.001")), 25_000L, "25.000"),
        // a graduated tier with a flat fee when reached
        Arguments.of(PriceModel.graduated(Tier.upTo(100, "0").withFlatFee("5"), Tier.rest("0.10").withFlatFee("20")),
            150L, "30.00"));
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
    assertThatThrownBy(() -> PriceModel.perUnit("-1")).hasMessageContaining("cannot be negative");
    assertThatThrownBy(() -> PriceModel.packaged(0, "1")).hasMessageContaining("at least 1");
    assertThatThrownBy(() -> PriceModel.perUnit("1").charge(-1)).hasMessageContaining("negative");
  }

  @Test
  void linesAreRoundedOnceAndTheTotalIsTheirSum() {
    Rating.Result r = Rating.rate(Currency.getInstance("EUR"), List.of(
        Rating.Usage.of("summary (calls)", 12_345, PriceModel.perUnit("0.0015")), // 18.5175 -> 18.52
        Rating.Usage.of("export (calls)", 3, PriceModel.perUnit("0.333")), // 0.999 -> 1.00
        new Rating.Usage("platform fee", 0, PriceModel.flat("49.00"), Rating.covered(Duration.ofDays(10),
            Duration.ofDays(30))))); // 16.333... -> 16.33
    assertThat(r.lines()).extracting(l -> l.amount().toPlainString()).containsExactly("18.52", "1.00", "16.33");
    assertThat(r.total().toPlainString()).isEqualTo("35.85");
  }

  @Test
  void invoicesFollowTheBillingDayAndHaveStableNumbers() {
    BillingAnchor anchor = BillingAnchor.of(31, ZoneId.of("Europe/Berlin"));
    Instant inFebruary = Instant.parse("2027-02-10T12:00:00Z");
    Invoice a = Invoice.forPeriod("acme", anchor, inFebruary, Currency.getInstance("EUR"),
        List.of(Rating.Usage.of("summary (calls)", 100, PriceModel.perUnit("0.01"))));
    Invoice b = Invoice.forPeriod("acme", anchor, inFebruary.plusSeconds(86_400), Currency.getInstance("EUR"),
        List.of(Rating.Usage.of("summary (calls)", 100, PriceModel.perUnit("0.01"))));
    assertThat(a.number()).isEqualTo("INV-acme-20270131").isEqualTo(b.number());
    assertThat(a.periodStart()).isEqualTo("2027-01-30T23:00:00Z"); // 31 January, Berlin
    assertThat(a.periodEnd()).isEqualTo("2027-02-27T23:00:00Z"); // 28 February stands in for the 31st
    assertThat(a.json()).contains("\"total\" : \"1.00\"").contains("\"number\" : \"INV-acme-20270131\"");
    assertThat(a.text()).contains("Total").contains("1.00 EUR");
    assertThat(BigDecimal.ONE).isEqualByComparingTo(Rating.covered(Duration.ofDays(28), Duration.ofDays(28)));
  }
}
