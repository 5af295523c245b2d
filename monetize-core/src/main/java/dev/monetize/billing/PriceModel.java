package dev.monetize.billing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a quantity of usage in one billing period becomes an amount of money. Amounts are exact
 * {@link BigDecimal}s here; rounding to the currency happens once per invoice line
 * ({@link Rating}), so no cent is lost between lines and total.
 *
 * <pre>{@code
 * PriceModel.graduated(Tier.upTo(1_000, "0"), Tier.upTo(10_000, "0.002"), Tier.rest("0.001"))
 * PriceModel.included(1_000, PriceModel.perUnit("0.002"))
 * PriceModel.minimum("49.00", PriceModel.perUnit("0.001"))
 * }</pre>
 */
public sealed interface PriceModel {
  /** The exact charge for {@code units} in one period (units at least 0). */
  BigDecimal charge(long units);

  /** A fixed fee per period, whatever the usage. */
  record Flat(BigDecimal fee) implements PriceModel {
    /** Validates. */
    public Flat {
      requireNotNegative(fee, "flat fee");
    }

    @Override
    public BigDecimal charge(long units) {
      requireUnits(units);
      return fee;
    }
  }

  /** The same price for every unit. */
  record PerUnit(BigDecimal unitPrice) implements PriceModel {
    /** Validates. */
    public PerUnit {
      requireNotNegative(unitPrice, "unit price");
    }

    @Override
    public BigDecimal charge(long units) {
      requireUnits(units);
      return unitPrice.multiply(BigDecimal.valueOf(units));
    }
  }

  /**
   * One tier: units up to and including {@code upTo} (empty: all the rest) at {@code unitPrice},
   * plus {@code flatFee} once when the tier is reached.
   */
  record Tier(Optional<Long> upTo, BigDecimal unitPrice, BigDecimal flatFee) {
    /** Validates. */
    public Tier {
      Objects.requireNonNull(upTo, "upTo");
      requireNotNegative(unitPrice, "tier unit price");
      requireNotNegative(flatFee, "tier flat fee");
      upTo.ifPresent(u -> {
        if (u < 1) {
          throw new IllegalArgumentException("a tier must reach at least 1 unit, got " + u);
        }
      });
    }

    /** Units up to {@code upTo} at {@code unitPrice}. */
    public static Tier upTo(long upTo, String unitPrice) {
      return new Tier(Optional.of(upTo), new BigDecimal(unitPrice), BigDecimal.ZERO);
    }

    /** All remaining units at {@code unitPrice}. */
    public static Tier rest(String unitPrice) {
      return new Tier(Optional.empty(), new BigDecimal(unitPrice), BigDecimal.ZERO);
    }

    /** The same tier with a flat fee when reached. */
    public Tier withFlatFee(String fee) {
      return new Tier(upTo, unitPrice, new BigDecimal(fee));
    }

    long limit() {
      return upTo.orElse(Long.MAX_VALUE);
    }
  }

  /** Each unit is priced by the tier it falls in (the first 1,000 at one price, the next at another...). */
  record Graduated(List<Tier> tiers) implements PriceModel {
    /** Validates: increasing bounds, only the last without one. */
    public Graduated {
      tiers = checkTiers(tiers);
    }

    @Override
    public BigDecimal charge(long units) {
      requireUnits(units);
      BigDecimal total = BigDecimal.ZERO;
      long below = 0;
      for (Tier t : tiers) {
        if (units <= below) {
          break;
        }
        long inTier = Math.min(units, t.limit()) - below;
        total = total.add(t.flatFee()).add(t.unitPrice().multiply(BigDecimal.valueOf(inTier)));
        below = t.limit();
      }
      return total;
    }
  }

  /** All units are priced by the tier the total falls in. */
  record Volume(List<Tier> tiers) implements PriceModel {
    /** Validates: increasing bounds, only the last without one. */
    public Volume {
      tiers = checkTiers(tiers);
    }

    @Override
    public BigDecimal charge(long units) {
      requireUnits(units);
      if (units == 0) {
        return BigDecimal.ZERO;
      }
      for (Tier t : tiers) {
        if (units <= t.limit()) {
          return t.flatFee().add(t.unitPrice().multiply(BigDecimal.valueOf(units)));
        }
      }
      throw new IllegalStateException("the last tier has no bound, so every quantity falls in one");
    }
  }

  /** Units are sold in packages of {@code size}; a started package is charged in full. */
  record Package(long size, BigDecimal packagePrice) implements PriceModel {
    /** Validates. */
    public Package {
      if (size < 1) {
        throw new IllegalArgumentException("package size must be at least 1, got " + size);
      }
      requireNotNegative(packagePrice, "package price");
    }

    @Override
    public BigDecimal charge(long units) {
      requireUnits(units);
      long packages = units / size + (units % size == 0 ? 0 : 1);
      return packagePrice.multiply(BigDecimal.valueOf(packages));
    }
  }

  /** The first {@code free} units cost nothing; the rest are priced by {@code then}. */
  record Included(long free, PriceModel then) implements PriceModel {
    /** Validates. */
    public Included {
      if (free < 0) {
        throw new IllegalArgumentException("included units cannot be negative, got " + free);
      }
      Objects.requireNonNull(then, "then");
    }

    @Override
    public BigDecimal charge(long units) {
      requireUnits(units);
      return then.charge(Math.max(0, units - free));
    }
  }

  /** At least {@code minimum} per period (a commitment), else what {@code model} charges. */
  record Minimum(BigDecimal minimum, PriceModel model) implements PriceModel {
    /** Validates. */
    public Minimum {
      requireNotNegative(minimum, "minimum commitment");
      Objects.requireNonNull(model, "model");
    }

    @Override
    public BigDecimal charge(long units) {
      return model.charge(units).max(minimum);
    }
  }

  /** A flat fee. */
  static PriceModel flat(String fee) {
    return new Flat(new BigDecimal(fee));
  }

  /** A price per unit. */
  static PriceModel perUnit(String unitPrice) {
    return new PerUnit(new BigDecimal(unitPrice));
  }

  /** Graduated tiers. */
  static PriceModel graduated(Tier... tiers) {
    return new Graduated(List.of(tiers));
  }

  /** Volume tiers. */
  static PriceModel volume(Tier... tiers) {
    return new Volume(List.of(tiers));
  }

  /** Packages of {@code size} at {@code price}. */
  static PriceModel packaged(long size, String price) {
    return new Package(size, new BigDecimal(price));
  }

  /** {@code free} units included, the rest by {@code then}. */
  static PriceModel included(long free, PriceModel then) {
    return new Included(free, then);
  }

  /** A minimum commitment over {@code model}. */
  static PriceModel minimum(String minimum, PriceModel model) {
    return new Minimum(new BigDecimal(minimum), model);
  }

  private static void requireNotNegative(BigDecimal amount, String what) {
    Objects.requireNonNull(amount, what);
    if (amount.signum() < 0) {
      throw new IllegalArgumentException(what + " cannot be negative, got " + amount.toPlainString());
    }
  }

  private static void requireUnits(long units) {
    if (units < 0) {
      throw new IllegalArgumentException("units cannot be negative, got " + units);
    }
  }

  private static List<Tier> checkTiers(List<Tier> tiers) {
    List<Tier> copy = List.copyOf(tiers);
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("at least one tier is needed");
    }
    long previous = 0;
    for (int i = 0; i < copy.size(); i++) {
      Tier t = copy.get(i);
      boolean last = i == copy.size() - 1;
      if (t.upTo().isEmpty() != last) {
        throw new IllegalArgumentException("only the last tier is unbounded (tier " + (i + 1) + ")");
      }
      if (!last && t.limit() <= previous) {
        throw new IllegalArgumentException("tier bounds must increase: tier " + (i + 1) + " ends at "
            + t.limit() + " after " + previous);
      }
      previous = t.limit();
    }
    return copy;
  }

  /** Rounds {@code amount} to the currency's minor unit, half even (banker's rounding). */
  static BigDecimal round(BigDecimal amount, java.util.Currency currency) {
    return amount.setScale(Math.max(0, currency.getDefaultFractionDigits()), RoundingMode.HALF_EVEN);
  }
}
