package dev.monetize.shield;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * SPI: where the allow and deny lists and the bans live. The in-memory default serves one JVM; a
 * shared store (Redis, in {@code monetize-redis}) makes an operator's change and a ban effective on
 * every node. The engine reads {@link #rules()} and {@link #bans()} at most once a second per node
 * and keeps what it read, so a store is never on the path of a request.
 *
 * <pre>{@code
 * Monetize.builder().shieldStore(ShieldStore.inMemory());
 * }</pre>
 */
public interface ShieldStore {
  /** Every rule, lapsed ones included until they are swept. */
  List<ShieldRule> rules();

  /** Adds {@code rule}. */
  void add(ShieldRule rule);

  /** Removes the rule {@code id} of that kind; false when there was none. */
  boolean remove(ShieldRule.Kind kind, String id);

  /** Every ban, lapsed ones included until they are swept. */
  List<Ban> bans();

  /** The ban of {@code address}, if any (lapsed or not: its strikes count for the next one). */
  Optional<Ban> ban(String address);

  /** Records {@code ban}, replacing the address's previous one. */
  void ban(Ban ban);

  /** Lifts the ban of {@code address} (its strikes are forgotten); false when there was none. */
  boolean lift(String address);

  /** Forgets rules and bans that lapsed before {@code now}, and strikes older than a day. */
  void sweep(Instant now);

  /**
   * Whether {@link #addFailures} counts failed authentications for every node that shares the store,
   * so that a ban follows the failures of all of them (not each node's alone). The default, for a
   * store of one process, does not.
   */
  default boolean countsFailures() {
    return false;
  }

  /**
   * Adds {@code count} failed authentications of {@code client} to the window {@code window} (an
   * opaque name every node derives alike: the client and the window's start) and answers the
   * window's total across nodes; the window is forgotten after {@code keep}. Each node adds its new
   * failures about once a second. Called only when {@link #countsFailures()}.
   */
  default long addFailures(String window, long count, java.time.Duration keep) {
    throw new UnsupportedOperationException(getClass().getName() + " does not count failures (countsFailures())");
  }

  /** In this JVM. */
  static ShieldStore inMemory() {
    return new dev.monetize.shield.internal.InMemoryShieldStore();
  }
}
