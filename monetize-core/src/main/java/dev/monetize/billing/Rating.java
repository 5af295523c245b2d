package dev.monetize.billing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Objects;

/**
 * Turns usage into invoice lines: each line is rated exactly by its {@link PriceModel}, prorated
 * when the plan covered only part of the period, and rounded once to the currency (half even), and
 * the total is the sum of the rounded lines, so lines and total always agree to the cent.
 */
public final class Rating {
  private Rating() {}

  /**
   * One line to rate.
   *
   * @param description what the line is for, e.g. {@code stats.summary (calls)}
   * @param units the quantity used in the period
   * @param model how it is priced
   * @param covered the part of the period this price applied (1 for the whole period)
   */
  public record Usage(String description, long units, PriceModel model, BigDecimal covered) {
    /** Validates. */
    public Usage {
      Objects.requireNonNull(description, "description");
      Objects.requireNonNull(model, "model");
      if (units < 0) {
        throw new IllegalArgumentException("units cannot be negative, got " + units);
      }
      if (covered.signum() < 0 || covered.compareTo(BigDecimal.ONE) > 0) {
        throw new IllegalArgumentException("covered must be between 0 and 1, got " + covered);
      }
    }

    /** A line for the whole period. */
    public static Usage of(String description, long units, PriceModel model) {
      return new Usage(description, units, model, BigDecimal.ONE);
    }
  }

  /**
   * A rated line.
   *
   * @param description what it is for
   * @param units the quantity
   * @param amount the amount, rounded to the currency
   */
  public record Line(String description, long units, BigDecimal amount) {}

  /**
   * The lines and their total.
   *
   * @param currency the currency
   * @param lines the rated lines
   * @param total the sum of the lines
   */
  public record Result(Currency currency, List<Line> lines, BigDecimal total) {
    /** Copies. */
    public Result {
      lines = List.copyOf(lines);
    }
  }

  /** Rates every line in {@code currency}. */
  public static Result rate(Currency currency, List<Usage> usages) {
    List<Line> lines = new ArrayList<>(usages.size());
    BigDecimal total = BigDecimal.ZERO.setScale(Math.max(0, currency.getDefaultFractionDigits()));
    for (Usage u : usages) {
      BigDecimal exact = u.model().charge(u.units());
      BigDecimal amount = PriceModel.round(prorate(exact, u.covered()), currency);
      lines.add(new Line(u.description(), u.units(), amount));
      total = total.add(amount);
    }
    return new Result(currency, lines, total);
  }

  /** {@code amount} for the part {@code covered} of a period (exact up to 34 digits). */
  public static BigDecimal prorate(BigDecimal amount, BigDecimal covered) {
    return covered.compareTo(BigDecimal.ONE) == 0 ? amount : amount.multiply(covered);
  }

  /** The part of a period of length {@code period} that {@code used} covers, exact to 1e-12. */
  public static BigDecimal covered(Duration used, Duration period) {
    if (period.isZero() || period.isNegative() || used.isNegative() || used.compareTo(period) > 0) {
      throw new IllegalArgumentException("need 0 <= used <= period, got " + used + " of " + period);
    }
    if (used.equals(period)) {
      return BigDecimal.ONE;
    }
    return BigDecimal.valueOf(used.toMillis()).divide(BigDecimal.valueOf(period.toMillis()), 12, RoundingMode.HALF_EVEN);
  }
}
