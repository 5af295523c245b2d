package dev.monetize.billing;

/**
 * The answer to a wallet top-up.
 *
 * @param entry the entry of this id: the new one, or the earlier one when the id was used before
 * @param applied whether this call moved the balance (false for a retry of an applied id)
 */
public record TopUp(WalletEntry entry, boolean applied) {}
