package dev.monetize.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.billing.PriceModel.Tier;
import java.math.BigDecimal;
import java.math.RoundingMode;
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
    Arbitrary<Long> included = Arbitraries.longs().between(0, 5_000);
    return Arbitraries.oneOf(
        price.map(PriceModel.Flat::new),
        Combinators.combine(price, Arbitraries.of(1L, 1_000L, 1L << 20), included).as(PriceModel.PerUnit::new),
        Combinators.combine(tiers(), included).as(PriceModel.Graduated::new),
        Combinators.combine(Arbitraries.longs().between(1, 5_000), price, included).as(PriceModel.Package::new));
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
      @ForAll @LongRange(min = 0, max = 100_000) long units, @ForAll @LongRange(min = 0, max = 20_000) long included) {
    // reference: unit by unit, the included ones free, each charged unit at the price of its tier
    BigDecimal graduated = BigDecimal.ZERO;
    for (long u = included + 1; u <= units; u++) {
      for (Tier t : tiers) {
        if (u <= t.upTo().orElse(Long.MAX_VALUE)) {
          graduated = graduated.add(t.unitPrice());
          break;
        }
      }
    }
    assertThat(new PriceModel.Graduated(tiers, included).charge(units)).isEqualByComparingTo(graduated);
    // volume: the tier the total falls in, times the charged units
    BigDecimal volume = BigDecimal.ZERO;
    if (units > included) {
      for (Tier t : tiers) {
        if (units <= t.upTo().orElse(Long.MAX_VALUE)) {
          volume = t.unitPrice().multiply(BigDecimal.valueOf(units - included));
          break;
        }
      }
    }
    assertThat(new PriceModel.Volume(tiers, included).charge(units)).isEqualByComparingTo(volume);
  }

  @Property(tries = 300)
  void aProratedAmountIsTheExactProductRoundedOnce(@ForAll("models") PriceModel model,
      @ForAll @LongRange(min = 0, max = 100_000) long units, @ForAll @IntRange(min = 28, max = 31) int days,
      @ForAll @LongRange(min = 0, max = 31 * 86_400) long seconds) {
    long period = days * 86_400L;
    Rating.Share share = new Rating.Share(Math.min(seconds, period), period);
    Currency usd = Currency.getInstance("USD");
    BigDecimal exact = model.charge(units).multiply(BigDecimal.valueOf(share.seconds()));
    BigDecimal rounded = Rating.amount(model.charge(units), share, usd);
    // |rounded x period - exact x seconds| <= half a cent x period, and the whole period is the full price
    assertThat(rounded.multiply(BigDecimal.valueOf(period)).subtract(exact).abs())
        .isLessThanOrEqualTo(new BigDecimal("0.005").multiply(BigDecimal.valueOf(period)));
    assertThat(Rating.amount(model.charge(units), Rating.Share.WHOLE, usd))
        .isEqualByComparingTo(model.charge(units).setScale(2, RoundingMode.HALF_EVEN));
  }
}
