package dev.monetize.billing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One customer's invoice for one billing period, anchored to the customer's billing day and time
 * zone (the same calendar as the monthly quotas). Every amount has exactly the currency's minor
 * digits; the charge lines ({@code fee}, {@code usage}, {@code minimum}) sum to {@link #total()},
 * and the {@code credits} lines (what prepaid credits already paid, negative) bring it down to
 * {@link #amountDue()}.
 *
 * @param number the number given at finalization ({@code INV-000042}); empty for a draft
 * @param customerId the customer
 * @param currency the currency of every amount
 * @param periodStart first instant of the period
 * @param periodEnd first instant after it
 * @param lines the lines, in the order of the plans that covered the period
 * @param total the sum of the charge lines
 * @param amountDue the total less what credits paid
 */
public record Invoice(Optional<String> number, String customerId, Currency currency, Instant periodStart,
    Instant periodEnd, List<Line> lines, BigDecimal total, BigDecimal amountDue) {

  /** What a line bills. */
  public enum Kind {
    /** A plan's recurring fee, prorated by the seconds the plan covered. */
    FEE,
    /** An operation's use of one unit, priced by the plan's model. */
    USAGE,
    /** What a plan's minimum commitment adds to its usage charges. */
    MINIMUM,
    /** What prepaid credits paid (negative). */
    CREDITS;

    /** The name in JSON, e.g. {@code fee}. */
    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One line.
   *
   * @param description what it is for, e.g. {@code summary: calls on pro}
   * @param plan the plan it was billed on
   * @param kind what it bills
   * @param operation the operation, for usage lines
   * @param unit the unit counted, for usage lines
   * @param quantity units billed (1 for a fee or a minimum)
   * @param amount the amount, rounded once to the currency
   */
  public record Line(String description, String plan, Kind kind, Optional<String> operation, Optional<String> unit,
      long quantity, BigDecimal amount) {
    /** Validates. */
    public Line {
      Objects.requireNonNull(description, "description");
      Objects.requireNonNull(plan, "plan");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(operation, "operation");
      Objects.requireNonNull(unit, "unit");
      Objects.requireNonNull(amount, "amount");
      if (quantity < 0) {
        throw new IllegalArgumentException("a line's quantity cannot be negative, got " + quantity);
      }
      if ((kind == Kind.CREDITS) != (amount.signum() < 0) && amount.signum() != 0) {
        throw new IllegalArgumentException("only credits lines are negative (" + kind.json() + " " + amount + ")");
      }
    }
  }

  /** Validates: one scale for every amount, lines that add up. */
  public Invoice {
    Objects.requireNonNull(number, "number");
    Objects.requireNonNull(customerId, "customerId");
    Objects.requireNonNull(currency, "currency");
    lines = List.copyOf(lines);
    if (!periodEnd.isAfter(periodStart)) {
      throw new IllegalArgumentException("the period must end after it starts");
    }
    int digits = Rating.digits(currency);
    BigDecimal charges = Rating.zero(currency);
    BigDecimal credits = Rating.zero(currency);
    for (Line l : lines) {
      if (l.amount().scale() != digits) {
        throw new IllegalArgumentException("line amount " + l.amount() + " must have " + digits + " decimals in " + currency);
      }
      if (l.kind() == Kind.CREDITS) {
        credits = credits.add(l.amount());
      } else {
        charges = charges.add(l.amount());
      }
    }
    if (total.compareTo(charges) != 0 || total.scale() != digits) {
      throw new IllegalArgumentException("total " + total + " is not the sum of the charge lines " + charges);
    }
    if (amountDue.compareTo(charges.add(credits)) != 0 || amountDue.scale() != digits) {
      throw new IllegalArgumentException("amount due " + amountDue + " is not the total less credits " + credits);
    }
  }

  /** An invoice whose total and amount due are summed from {@code lines}. */
  public static Invoice of(Optional<String> number, String customerId, Currency currency, Instant periodStart,
      Instant periodEnd, List<Line> lines) {
    BigDecimal total = Rating.zero(currency);
    BigDecimal due = Rating.zero(currency);
    for (Line l : lines) {
      due = due.add(l.amount());
      if (l.kind() != Kind.CREDITS) {
        total = total.add(l.amount());
      }
    }
    return new Invoice(number, customerId, currency, periodStart, periodEnd, lines, total, due);
  }

  /** {@code draft} until a number is given, then {@code final}. */
  public String status() {
    return number.isPresent() ? "final" : "draft";
  }

  /** The same invoice, finalized under {@code number}. */
  public Invoice finalized(String number) {
    return new Invoice(Optional.of(number), customerId, currency, periodStart, periodEnd, lines, total, amountDue);
  }

  /** As JSON (snake_case, amounts as decimal strings with the currency's minor digits). */
  public String json() {
    return dev.monetize.billing.internal.InvoiceFormats.json(this);
  }

  /** Reads an invoice from the JSON {@link #json()} writes (a stored final invoice, say). */
  public static Invoice parse(String json) {
    return dev.monetize.billing.internal.InvoiceFormats.parse(json);
  }

  /** As a readable, self-contained HTML page (every value escaped). */
  public String html() {
    return dev.monetize.billing.internal.InvoiceFormats.html(this);
  }

  /** As readable text. */
  public String text() {
    return dev.monetize.billing.internal.InvoiceFormats.text(this);
  }
}
