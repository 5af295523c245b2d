package dev.monetize.billing;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a quantity of one unit used in one billing period becomes an amount of money. Charges are
 * exact {@link BigDecimal}s; rounding to the currency happens once per invoice line
 * ({@link Rating}), so no cent is lost between lines and total.
 *
 * <p>Every model but {@link Flat} can include free units: they are the period's first units and
 * cost nothing, and tier bounds still count them (a tier {@code up_to: 10000} ends at the
 * period's 10,000th unit, included ones too; a volume tier is picked by the total).
 *
 * <pre>{@code
 * PriceModel.graduated(Tier.upTo(10_000, "0.002"), Tier.rest("0.001")).withIncluded(1_000)
 * PriceModel.perUnit("0.09").per(1L << 30)       // 0.09 per GiB
 * PriceModel.packaged(100, "5.00")               // every started 100 units: 5.00
 * }</pre>
 */
public sealed interface PriceModel {
  /** The exact charge for {@code units} used in one period (units at least 0). */
  BigDecimal charge(long units);

  /** The units of a period that cost nothing (0 for none). */
  long included();

  /** The same model with the first {@code units} of a period free. */
  PriceModel withIncluded(long units);

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

    @Override
    public long included() {
      return 0;
    }

    @Override
    public PriceModel withIncluded(long units) {
      throw new IllegalArgumentException("a flat fee has no included units");
    }
  }

  /**
   * The same price for every {@code per} units beyond the included ones ({@code per} 1: a price
   * per unit; {@code 1073741824}: a price per GiB of bytes). {@code per} has no prime factors but 2
   * and 5, so the price of one unit is an exact decimal.
   */
  record PerUnit(BigDecimal unitPrice, long per, long included) implements PriceModel {
    /** Validates. */
    public PerUnit {
      requireNotNegative(unitPrice, "unit price");
      requireIncluded(included);
      if (per < 1 || !exactDivisor(per)) {
        throw new IllegalArgumentException("per must be a whole number of units whose only prime factors are 2 and 5 "
            + "(1, 1000, 1048576, 1073741824...), so that one unit's price is exact; got " + per);
      }
    }

    /** A price per unit. */
    public PerUnit(BigDecimal unitPrice) {
      this(unitPrice, 1, 0);
    }

    @Override
    public BigDecimal charge(long units) {
      requireUnits(units);
      BigDecimal amount = unitPrice.multiply(BigDecimal.valueOf(Math.max(0, units - included)));
      return per == 1 ? amount : amount.divide(BigDecimal.valueOf(per)); // exact: per is 2^a 5^b
    }

    /** The same price for every {@code units} units. */
    public PerUnit per(long units) {
      return new PerUnit(unitPrice, units, included);
    }

    @Override
    public PriceModel withIncluded(long units) {
      return new PerUnit(unitPrice, per, units);
    }
  }

  /**
   * One tier: units up to and including the period's {@code upTo}th (empty: all the rest) at
   * {@code unitPrice}, plus {@code flatFee} once when a charged unit falls in the tier.
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
  record Graduated(List<Tier> tiers, long included) implements PriceModel {
    /** Validates: increasing bounds, only the last without one. */
    public Graduated {
      tiers = checkTiers(tiers);
      requireIncluded(included);
    }

    @Override
    public BigDecimal charge(long units) {
      requireUnits(units);
      BigDecimal total = BigDecimal.ZERO;
      long below = 0;
      for (Tier t : tiers) {
        long charged = Math.min(units, t.limit()) - Math.max(below, included);
        if (charged > 0) {
          total = total.add(t.flatFee()).add(t.unitPrice().multiply(BigDecimal.valueOf(charged)));
        }
        if (units <= t.limit()) {
          break;
        }
        below = t.limit();
      }
      return total;
    }

    @Override
    public PriceModel withIncluded(long units) {
      return new Graduated(tiers, units);
    }
  }

  /** Every charged unit is priced by the tier the period's total falls in. */
  record Volume(List<Tier> tiers, long included) implements PriceModel {
    /** Validates: increasing bounds, only the last without one. */
    public Volume {
      tiers = checkTiers(tiers);
      requireIncluded(included);
    }

    @Override
    public BigDecimal charge(long units) {
      requireUnits(units);
      if (units <= included) {
        return BigDecimal.ZERO;
      }
      for (Tier t : tiers) {
        if (units <= t.limit()) {
          return t.flatFee().add(t.unitPrice().multiply(BigDecimal.valueOf(units - included)));
        }
      }
      throw new IllegalStateException("the last tier has no bound, so every quantity falls in one");
    }

    @Override
    public PriceModel withIncluded(long units) {
      return new Volume(tiers, units);
    }
  }

  /** Units beyond the included ones are sold in packages of {@code size}; a started package is charged in full. */
  record Package(long size, BigDecimal packagePrice, long included) implements PriceModel {
    /** Validates. */
    public Package {
      if (size < 1) {
        throw new IllegalArgumentException("package size must be at least 1, got " + size);
      }
      requireNotNegative(packagePrice, "package price");
      requireIncluded(included);
    }

    @Override
    public BigDecimal charge(long units) {
      requireUnits(units);
      long charged = Math.max(0, units - included);
      long packages = charged / size + (charged % size == 0 ? 0 : 1);
      return packagePrice.multiply(BigDecimal.valueOf(packages));
    }

    @Override
    public PriceModel withIncluded(long units) {
      return new Package(size, packagePrice, units);
    }
  }

  /** A flat fee. */
  static PriceModel flat(String fee) {
    return new Flat(new BigDecimal(fee));
  }

  /** A price per unit. */
  static PerUnit perUnit(String unitPrice) {
    return new PerUnit(new BigDecimal(unitPrice));
  }

  /** Graduated tiers. */
  static PriceModel graduated(Tier... tiers) {
    return new Graduated(List.of(tiers), 0);
  }

  /** Volume tiers. */
  static PriceModel volume(Tier... tiers) {
    return new Volume(List.of(tiers), 0);
  }

  /** Packages of {@code size} at {@code price}. */
  static PriceModel packaged(long size, String price) {
    return new Package(size, new BigDecimal(price), 0);
  }

  private static void requireNotNegative(BigDecimal amount, String what) {
    Objects.requireNonNull(amount, what);
    if (amount.signum() < 0) {
      throw new IllegalArgumentException(what + " cannot be negative, got " + amount.toPlainString());
    }
  }

  private static void requireIncluded(long included) {
    if (included < 0) {
      throw new IllegalArgumentException("included units cannot be negative, got " + included);
    }
  }

  private static void requireUnits(long units) {
    if (units < 0) {
      throw new IllegalArgumentException("units cannot be negative, got " + units);
    }
  }

  private static boolean exactDivisor(long n) {
    BigInteger v = BigInteger.valueOf(n);
    for (BigInteger p : List.of(BigInteger.TWO, BigInteger.valueOf(5))) {
      while (v.mod(p).signum() == 0) {
        v = v.divide(p);
      }
    }
    return v.equals(BigInteger.ONE);
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
        throw new IllegalArgumentException("only the last tier is unbounded, and it must be (tier " + (i + 1) + ")");
      }
      if (!last && t.limit() <= previous) {
        throw new IllegalArgumentException("tier bounds must increase: tier " + (i + 1) + " ends at "
            + t.limit() + " after " + previous);
      }
      previous = t.limit();
    }
    return copy;
  }
}
