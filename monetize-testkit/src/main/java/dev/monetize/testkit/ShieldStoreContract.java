package dev.monetize.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.http.Cidr;
import dev.monetize.shield.Ban;
import dev.monetize.shield.ShieldRule;
import dev.monetize.shield.ShieldStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ShieldStore} must do: keep rules and bans exactly as given, remove a rule only
 * from its own list, lift bans, sweep what lapsed, and share all of it with a second client (another
 * node). Extend it with your store:
 *
 * <pre>{@code
 * class MyShieldStoreTest extends ShieldStoreContract {
 *   protected ShieldStore store() { return new MyShieldStore(...); }
 * }
 * }</pre>
 */
public abstract class ShieldStoreContract {
  private static final Instant NOW = Instant.parse("2026-03-01T00:00:00Z");

  /** For subclasses. */
  protected ShieldStoreContract() {
  }

  /** A fresh, empty store. */
  protected abstract ShieldStore store();

  /** A second client of the same store (another node); by default the same object. */
  protected ShieldStore secondNode(ShieldStore first) {
    return first;
  }

  @Test
  public void rulesAreKeptAsGivenAndRemovedOnlyFromTheirOwnList() {
    ShieldStore s = store();
    ShieldRule deny = ShieldRule.of(ShieldRule.Kind.DENY, Cidr.parse("198.51.100.0/24"), Optional.empty(), NOW);
    ShieldRule allow = ShieldRule.of(ShieldRule.Kind.ALLOW, Cidr.parse("2001:db8::/32"),
        Optional.of(NOW.plusSeconds(60)), NOW);
    s.add(deny);
    s.add(allow);
    assertThat(secondNode(s).rules()).containsExactlyInAnyOrder(deny, allow);
    assertThat(s.remove(ShieldRule.Kind.ALLOW, deny.id())).isFalse(); // not on that list
    assertThat(s.remove(ShieldRule.Kind.DENY, deny.id())).isTrue();
    assertThat(s.remove(ShieldRule.Kind.DENY, deny.id())).isFalse();
    assertThat(secondNode(s).rules()).containsExactly(allow);
    s.sweep(NOW.plusSeconds(61)); // lapsed
    assertThat(s.rules()).isEmpty();
  }

  @Test
  public void bansAreKeptLiftedAndForgottenADayAfterTheyLapse() {
    ShieldStore s = store();
    Ban b = new Ban("203.0.113.9", NOW.plusSeconds(60), 2, NOW);
    Ban v6 = new Ban("2001:db8::1", NOW.plusSeconds(120), 1, NOW);
    s.ban(b);
    s.ban(v6);
    assertThat(secondNode(s).ban("203.0.113.9")).contains(b);
    assertThat(s.bans()).containsExactlyInAnyOrder(b, v6);
    assertThat(s.lift("2001:db8::1")).isTrue();
    assertThat(s.lift("2001:db8::1")).isFalse();
    s.sweep(NOW.plus(Duration.ofHours(2))); // lapsed, but its strikes count for a day
    assertThat(s.ban("203.0.113.9")).contains(b);
    s.sweep(NOW.plus(Duration.ofDays(2)));
    assertThat(s.ban("203.0.113.9")).isEmpty();
  }

  /**
   * A store that says it counts failures for every node adds each node's to one window and answers
   * the total; windows are apart (a store forgets a window after the time given: test that with the
   * store's own clock).
   */
  @Test
  public void aStoreThatCountsFailuresAddsEveryNodesToOneWindow() {
    ShieldStore s = store();
    if (!s.countsFailures()) {
      return; // a store of one process: each node counts its own
    }
    String window = "198.51.100.30@" + java.util.UUID.randomUUID();
    assertThat(s.addFailures(window, 30, Duration.ofMinutes(2))).isEqualTo(30);
    assertThat(secondNode(s).addFailures(window, 25, Duration.ofMinutes(2))).isEqualTo(55);
    assertThat(s.addFailures(window + "-next", 1, Duration.ofMinutes(2))).isEqualTo(1);
  }
}
