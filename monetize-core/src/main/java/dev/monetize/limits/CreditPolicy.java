package dev.monetize.limits;

import java.util.Objects;

/**
 * A prepaid balance, in millionths of the currency unit, from which each call's price is deducted.
 * A call whose price exceeds the balance is refused with {@code 402 credits_exhausted}. Not
 * announced in the {@code RateLimit} fields (it has no window).
 *
 * @param name policy name
 */
public record CreditPolicy(String name) implements LimitPolicy {
  /** Micro-units per currency unit: a balance of 1,000,000 is 1.00. */
  public static final long MICROS = 1_000_000L;

  /** Validates. */
  public CreditPolicy {
    Objects.requireNonNull(name, "name");
  }

  @Override
  public long quota() {
    return 0;
  }

  @Override
  public long windowSeconds() {
    return 0;
  }

  @Override
  public String unit() {
    return "credits";
  }
}
