package dev.monetize.billing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Currency;
import java.util.Objects;

/**
 * Money arithmetic of invoices: an exact charge is prorated by an exact fraction of the period and
 * rounded once, half even, to the currency's minor unit (ISO 4217: JPY 0 digits, USD 2, KWD 3).
 * Nothing is rounded before that, so {@code 27.03 x 5/30} is {@code 4.505} and rounds to
 * {@code 4.50}.
 */
public final class Rating {
  private Rating() {}

  /**
   * The part of a billing period a plan covered, in whole seconds (as Stripe prorates): instants
   * are truncated to the second, so the parts of a period always add up to the whole period, in a
   * month with a daylight-saving change too.
   *
   * @param seconds seconds covered
   * @param periodSeconds seconds in the whole period
   */
  public record Share(long seconds, long periodSeconds) {
    /** The whole period. */
    public static final Share WHOLE = new Share(1, 1);

    /** Validates. */
    public Share {
      if (periodSeconds < 1 || seconds < 0 || seconds > periodSeconds) {
        throw new IllegalArgumentException("need 0 <= seconds <= period seconds, got " + seconds + " of " + periodSeconds);
      }
    }

    /** The share of {@code [periodStart, periodEnd)} that {@code [from, to)} covers. */
    public static Share of(Instant from, Instant to, Instant periodStart, Instant periodEnd) {
      Objects.requireNonNull(from, "from");
      long whole = periodEnd.getEpochSecond() - periodStart.getEpochSecond();
      long part = to.getEpochSecond() - from.getEpochSecond();
      return part == whole ? WHOLE : new Share(part, whole);
    }

    /** Whether it is the whole period. */
    public boolean whole() {
      return seconds == periodSeconds;
    }

    /** {@code amount} times this share, exact. */
    BigDecimal numerator(BigDecimal amount) {
      return whole() ? amount : amount.multiply(BigDecimal.valueOf(seconds));
    }

    long denominator() {
      return whole() ? 1 : periodSeconds;
    }
  }

  /** {@code exact x share}, rounded once to the currency's minor unit, half even. */
  public static BigDecimal amount(BigDecimal exact, Share share, Currency currency) {
    return share.numerator(exact).divide(BigDecimal.valueOf(share.denominator()), digits(currency),
        RoundingMode.HALF_EVEN);
  }

  /** {@code exact} rounded to the currency's minor unit, half even. */
  public static BigDecimal round(BigDecimal exact, Currency currency) {
    return exact.setScale(digits(currency), RoundingMode.HALF_EVEN);
  }

  /** Zero with the currency's minor digits. */
  public static BigDecimal zero(Currency currency) {
    return BigDecimal.ZERO.setScale(digits(currency));
  }

  /** The currency's minor digits (ISO 4217), 0 for currencies without any. */
  public static int digits(Currency currency) {
    return Math.max(0, currency.getDefaultFractionDigits());
  }
}
