package dev.monetize.billing;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * Money amounts from users, read with bounded precision before any arithmetic: at most
 * {@value #MAX_INTEGER_DIGITS} integer digits and {@value #MAX_DECIMALS} decimals, an optional
 * minus sign, no exponent. Anything else is refused at once with a short message that never
 * repeats the input, so that {@code "1e999999999"} costs nothing (a plain-text rendering of it
 * would be a gigabyte).
 *
 * <pre>{@code
 * Amounts.parse("25.50", "amount");      // 25.50
 * Amounts.parse("1e999999999", "amount"); // IllegalArgumentException
 * }</pre>
 */
public final class Amounts {
  /** Integer digits at most. */
  public static final int MAX_INTEGER_DIGITS = 18;
  /** Decimals at most. */
  public static final int MAX_DECIMALS = 6;
  /** Written out in full; decimals past the sixth may only be zeros (as a JSON number's are, {@link #check}). */
  private static final Pattern PLAIN = Pattern.compile("-?[0-9]{1,18}(\\.[0-9]{1,6}0{0,12})?");

  private Amounts() {}

  /**
   * Reads a decimal written out in full.
   *
   * @throws IllegalArgumentException naming {@code field} when the text is not such a decimal
   */
  public static BigDecimal parse(String text, String field) {
    String t = text; // as sent: a value with spaces around it is not one (no coercion, as for every field)
    if (t.length() > MAX_INTEGER_DIGITS + 2 * MAX_DECIMALS + 8 || !PLAIN.matcher(t).matches()) {
      throw invalid(field);
    }
    BigDecimal v = new BigDecimal(t);
    return v.scale() > MAX_DECIMALS ? v.setScale(MAX_DECIMALS) : v; // only zeros past the sixth decimal
  }

  /**
   * Checks that an amount already held as a number fits the same bounds, without ever expanding
   * it (precision and scale only), and returns it without trailing zeros (so {@code 0E-999999999}
   * comes back as a plain zero).
   *
   * @throws IllegalArgumentException naming {@code field} when it does not
   */
  public static BigDecimal check(BigDecimal amount, String field) {
    BigDecimal a = amount.signum() == 0 ? BigDecimal.ZERO : amount.stripTrailingZeros();
    if (a.scale() > MAX_DECIMALS || (long) a.precision() - a.scale() > MAX_INTEGER_DIGITS) {
      throw invalid(field);
    }
    return a;
  }

  private static IllegalArgumentException invalid(String field) {
    return new IllegalArgumentException(field + ": a decimal such as \"25.00\", at most " + MAX_INTEGER_DIGITS
        + " integer digits and " + MAX_DECIMALS + " decimals, no exponent");
  }
}
