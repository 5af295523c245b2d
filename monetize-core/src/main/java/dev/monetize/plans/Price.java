package dev.monetize.plans;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.Objects;

/**
 * The price of one unit of an operation, in an explicit currency.
 *
 * <pre>{@code
 * Price p = Price.of("0.002", "USD", "call");
 * }</pre>
 *
 * @param amount price of one unit, zero or more
 * @param currency ISO 4217 currency
 * @param unit what is counted, e.g. {@code call}, {@code row}, {@code mb}
 */
public record Price(BigDecimal amount, Currency currency, String unit) {
  /** Validates the values and names the wrong one. */
  public Price {
    Objects.requireNonNull(amount, "amount");
    Objects.requireNonNull(currency, "currency");
    Names.requirePolicyName(unit, "price unit");
    if (amount.signum() < 0) {
      throw new IllegalArgumentException("price amount must be zero or more, got " + amount);
    }
  }

  /** Parses the amount and currency code. */
  public static Price of(String amount, String currencyCode, String unit) {
    BigDecimal value;
    try {
      value = new BigDecimal(amount);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("price amount must be a decimal number like 0.002, got '" + amount + "'");
    }
    Currency currency;
    try {
      currency = Currency.getInstance(currencyCode);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("currency must be an ISO 4217 code like USD or EUR, got '" + currencyCode + "'");
    }
    return new Price(value, currency, unit);
  }
}
