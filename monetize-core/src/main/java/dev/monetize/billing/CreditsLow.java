package dev.monetize.billing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * A prepaid customer's balance fell below the configured threshold. Emitted once per crossing (not
 * once per request): again only after a top-up has lifted the balance to the threshold or above.
 *
 * @param customerId the customer
 * @param balance the balance after the call that crossed the threshold
 * @param threshold the configured threshold
 * @param at when
 */
public record CreditsLow(String customerId, BigDecimal balance, BigDecimal threshold, Instant at) {
  /** Validates. */
  public CreditsLow {
    Objects.requireNonNull(customerId, "customerId");
    Objects.requireNonNull(balance, "balance");
    Objects.requireNonNull(threshold, "threshold");
    Objects.requireNonNull(at, "at");
  }
}
