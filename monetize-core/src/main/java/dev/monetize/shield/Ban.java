package dev.monetize.shield;

import java.time.Instant;
import java.util.Objects;

/**
 * A temporary ban of one client address that kept failing authentication: refused with
 * {@code 403 ip_banned} until {@code until}. Each ban of the same address lasts longer than the one
 * before ({@code strikes} counts them).
 *
 * @param address the client address (an IP literal)
 * @param until when it lapses by itself
 * @param strikes how many times the address was banned (1 for the first)
 * @param since when this ban began
 */
public record Ban(String address, Instant until, int strikes, Instant since) {
  /** Validates. */
  public Ban {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(until, "until");
    Objects.requireNonNull(since, "since");
    if (strikes < 1) {
      throw new IllegalArgumentException("a ban is at least the first strike, got " + strikes);
    }
  }

  /** Whether it still applies at {@code now}. */
  public boolean active(Instant now) {
    return now.isBefore(until);
  }
}
