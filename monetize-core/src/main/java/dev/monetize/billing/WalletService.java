package dev.monetize.billing;

import java.math.BigDecimal;
import java.util.List;

/**
 * Prepaid wallets: top-ups and deductions, idempotent per entry id, with their history. Amounts
 * are kept to the millionth of the currency unit and bounded ({@link Amounts}).
 *
 * <pre>{@code
 * TopUp t = monetize.wallet().topUp("acme", new BigDecimal("25.00"), "inv-7", "bank transfer");
 * t.applied(); // false when inv-7 was already applied: nothing moved twice
 * }</pre>
 */
public interface WalletService {
  /**
   * Moves {@code amount} into (negative: out of) the customer's wallet under a generated id and
   * returns the new balance; zero moves nothing and returns the balance.
   *
   * @throws IllegalArgumentException when the customer does not exist or the amount is out of bounds
   */
  BigDecimal add(String customerId, BigDecimal amount);

  /**
   * Moves {@code amount} into (negative: out of) the customer's wallet once per {@code entryId}: a
   * retry with the same id returns the first entry and changes nothing.
   *
   * @throws IllegalArgumentException when the customer does not exist, the amount is zero or out of
   *     bounds, or the id or note is not acceptable (see {@link WalletEntry})
   */
  TopUp topUp(String customerId, BigDecimal amount, String entryId, String note);

  /** The customer's latest {@code limit} entries, newest first. */
  List<WalletEntry> history(String customerId, int limit);

  /** The customer's entry of id {@code entryId}, if one was applied (what a retry of it answers). */
  java.util.Optional<WalletEntry> entry(String customerId, String entryId);

  /** The customer's balance. */
  BigDecimal balance(String customerId);
}
