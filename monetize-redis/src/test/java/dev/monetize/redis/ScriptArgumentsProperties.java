package dev.monetize.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** The script's numeric arguments are written as ASCII bytes directly: exactly what Long.toString writes. */
class ScriptArgumentsProperties {
  @Property(tries = 2_000)
  void numbersAreTheirDecimalText(@ForAll long v) {
    assertThat(new String(ScriptText.ascii(v), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(v));
  }

  @Example
  void edgesAreTheirDecimalText() {
    for (long v : new long[] {0, -1, 9, 10, -10, 999_999_999, 1_000_000_000, Long.MAX_VALUE, Long.MIN_VALUE}) {
      assertThat(new String(ScriptText.ascii(v), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(v));
    }
  }

  /** A refund's marker is in the hash slot of the call's keys (a cluster runs a script's keys on one node). */
  @Property(tries = 500)
  void aRefundsMarkerSharesTheCallsSlot(@ForAll String prefix, @ForAll String customer, @ForAll String rest) {
    for (String key : new String[] {prefix + "{" + customer + "}:" + rest, customer, "{}:" + rest}) {
      byte[] k = key.getBytes(StandardCharsets.UTF_8);
      byte[] marker = LateCharges.marker(k, true);
      assertThat(io.lettuce.core.cluster.SlotHash.getSlot(marker)).as(key).isEqualTo(io.lettuce.core.cluster.SlotHash.getSlot(k));
      assertThat(marker).isNotEqualTo(LateCharges.marker(k, true)); // one per refund
    }
  }

  /**
   * The limiter's reconnect delay is never shorter than its command timeout (a script Lettuce sends
   * again then runs past its deadline) and backs off to 2 s, or stays at a longer timeout.
   */
  @Property(tries = 300)
  void theReconnectDelayIsNeverShorterThanTheCommandTimeout(
      @ForAll @net.jqwik.api.constraints.LongRange(min = 1, max = 120_000) long timeoutMillis,
      @ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 64) int attempt) {
    java.time.Duration timeout = java.time.Duration.ofMillis(timeoutMillis);
    java.time.Duration delay = RedisLink.reconnectDelay(timeout).createDelay(attempt);
    assertThat(delay).isGreaterThanOrEqualTo(timeout);
    assertThat(delay).isLessThanOrEqualTo(timeout.compareTo(java.time.Duration.ofSeconds(2)) > 0 ? timeout
        : java.time.Duration.ofSeconds(2));
  }
}
