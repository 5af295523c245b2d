package dev.monetize.billing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Objects;

/**
 * One movement of a customer's prepaid wallet made by the operator: a top-up (positive amount) or
 * a deduction (negative). Calls consume the balance in real time through the limiter and are not
 * entries; the wallet's history is these entries, the balance is what is left.
 *
 * @param id the idempotency key: a top-up retried with the same id is applied once
 * @param customerId whose wallet
 * @param amount what was added (negative: deducted), to the millionth (scale 6)
 * @param note free text for the operator (an order number, a reason); may be empty
 * @param at when it was applied
 * @param balanceAfter the balance right after it was applied (scale 6)
 */
public record WalletEntry(String id, String customerId, BigDecimal amount, String note, Instant at,
    BigDecimal balanceAfter) {
  /** The largest amount one entry moves. */
  public static final BigDecimal MAX_AMOUNT = new BigDecimal("1000000000");
  /** Longest id and note accepted. */
  public static final int MAX_TEXT = 200;

  /** Validates. */
  public WalletEntry {
    requireText(id, "id");
    Objects.requireNonNull(customerId, "customerId");
    Objects.requireNonNull(amount, "amount");
    Objects.requireNonNull(note, "note");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(balanceAfter, "balanceAfter");
    if (note.length() > MAX_TEXT) {
      throw new IllegalArgumentException("a wallet note has at most " + MAX_TEXT + " characters, got " + note.length());
    }
    if (amount.signum() == 0) {
      throw new IllegalArgumentException("a wallet entry moves a non-zero amount");
    }
    Amounts.check(amount, "amount"); // bounded before anything renders or scales it
    if (amount.abs().compareTo(MAX_AMOUNT) > 0) {
      throw new IllegalArgumentException("a wallet amount is at most " + MAX_AMOUNT.toPlainString()
          + " in absolute value");
    }
    amount = amount.setScale(6, RoundingMode.UNNECESSARY); // one scale, so equal entries are equal
    balanceAfter = balanceAfter.setScale(6, RoundingMode.HALF_EVEN);
  }

  /** {@code top_up} for a positive amount, {@code deduction} for a negative one. */
  public String kind() {
    return amount.signum() > 0 ? "top_up" : "deduction";
  }

  private static void requireText(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isEmpty() || value.length() > MAX_TEXT || !value.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException("a wallet entry " + what + " is 1 to " + MAX_TEXT
          + " printable ASCII characters without spaces, got '" + (value.length() > 40 ? value.substring(0, 40) + "..." : value) + "'");
    }
  }
}
