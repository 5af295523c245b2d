package dev.monetize.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.billing.PriceModel.Tier;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/** Rating properties over generated price models and usage. */
class RatingProperties {
  @Provide
  Arbitrary<List<Tier>> tiers() {
    Arbitrary<Long> width = Arbitraries.longs().between(1, 10_000);
    Arbitrary<BigDecimal> price = Arbitraries.bigDecimals().between(BigDecimal.ZERO, new BigDecimal("5")).ofScale(4);
    return Combinators.combine(width.list().ofMinSize(0).ofMaxSize(4), price.list().ofSize(5))
        .as((widths, prices) -> {
          List<Tier> out = new ArrayList<>();
          long bound = 0;
          for (int i = 0; i < widths.size(); i++) {
            bound += widths.get(i);
            out.add(new Tier(java.util.Optional.of(bound), prices.get(i), BigDecimal.ZERO));
          }
          out.add(new Tier(java.util.Optional.empty(), prices.get(4), BigDecimal.ZERO));
          return out;
        });
  }

  @Provide
  Arbitrary<PriceModel> models() {
    Arbitrary<BigDecimal> price = Arbitraries.bigDecimals().between(BigDecimal.ZERO, new BigDecimal("10")).ofScale(4);
    Arbitrary<PriceModel> base = Arbitraries.oneOf(
        price.map(PriceModel.Flat::new),
        price.map(PriceModel.PerUnit::new),
        tiers().map(PriceModel.Graduated::new),
        Combinators.combine(Arbitraries.longs().between(1, 5_000), price).as(PriceModel.Package::new));
    return Arbitraries.oneOf(base,
        Combinators.combine(Arbitraries.longs().between(0, 5_000), base).as(PriceModel.Included::new),
        Combinators.combine(price, base).as(PriceModel.Minimum::new));
  }

  @Property(tries = 300)
  void nonDecreasingModelsAreMonotoneInUsage(@ForAll("models") PriceModel model,
      @ForAll @LongRange(min = 0, max = 1_000_000) long a, @ForAll @LongRange(min = 0, max = 1_000_000) long b) {
    long lo = Math.min(a, b);
    long hi = Math.max(a, b);
    assertThat(model.charge(hi)).isGreaterThanOrEqualTo(model.charge(lo));
  }

  @Property(tries = 300)
  void graduatedAndVolumeMatchTheReferenceFormulas(@ForAll("tiers") List<Tier> tiers,
      @ForAll @LongRange(min = 0, max = 100_000) long units) {
    // reference: price unit by unit (graduated), and the tier of the total times all units (volume)
    BigDecimal graduated = BigDecimal.ZERO;
    long u = 1;
    long counted = 0;
    for (Tier t : tiers) {
      long upTo = Math.min(units, t.upTo().orElse(Long.MAX_VALUE));
      if (upTo >= u) {
        graduated = graduated.add(t.unitPrice().multiply(BigDecimal.valueOf(upTo - u + 1)));
        counted += upTo - u + 1;
        u = upTo + 1;
      }
    }
    assertThat(counted).isEqualTo(units);
    assertThat(new PriceModel.Graduated(tiers).charge(units)).isEqualByComparingTo(graduated);
    BigDecimal volume = BigDecimal.ZERO;
    if (units > 0) {
      for (Tier t : tiers) {
        if (units <= t.upTo().orElse(Long.MAX_VALUE)) {
          volume = t.unitPrice().multiply(BigDecimal.valueOf(units));
          break;
        }
      }
    }
    assertThat(new PriceModel.Volume(tiers).charge(units)).isEqualByComparingTo(volume);
  }

  @Property(tries = 200)
  void proratingAWholePeriodIsTheFullPrice(@ForAll("models") PriceModel model,
      @ForAll @LongRange(min = 0, max = 100_000) long units, @ForAll @IntRange(min = 1, max = 366) int days) {
    BigDecimal covered = Rating.covered(Duration.ofDays(days), Duration.ofDays(days));
    assertThat(Rating.prorate(model.charge(units), covered)).isEqualByComparingTo(model.charge(units));
  }

  @Property(tries = 300)
  void theTotalIsTheSumOfTheRoundedLinesAndNoLineIsOffByMoreThanHalfACent(
      @ForAll @Size(min = 1, max = 12) List<@LongRange(min = 0, max = 1_000_000) Long> units,
      @ForAll("models") PriceModel model) {
    Currency eur = Currency.getInstance("EUR");
    List<Rating.Usage> usage = new ArrayList<>();
    for (int i = 0; i < units.size(); i++) {
      usage.add(Rating.Usage.of("line " + i, units.get(i), model));
    }
    Rating.Result r = Rating.rate(eur, usage);
    BigDecimal sum = r.lines().stream().map(Rating.Line::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    assertThat(r.total()).isEqualByComparingTo(sum);
    assertThat(r.total().scale()).isEqualTo(2);
    for (int i = 0; i < units.size(); i++) {
      BigDecimal exact = model.charge(units.get(i));
      assertThat(r.lines().get(i).amount().subtract(exact).abs())
          .isLessThanOrEqualTo(new BigDecimal("0.005"));
      assertThat(r.lines().get(i).amount()).isEqualByComparingTo(exact.setScale(2, RoundingMode.HALF_EVEN));
    }
  }
}
