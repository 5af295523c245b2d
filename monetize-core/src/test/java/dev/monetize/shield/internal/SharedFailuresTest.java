package dev.monetize.shield.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.errors.ErrorCode;
import dev.monetize.shield.Ban;
import dev.monetize.shield.ShieldPolicy;
import dev.monetize.shield.ShieldRule;
import dev.monetize.shield.ShieldStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Behind a balancer an attacker's failed authentications spread over the nodes: with a store that
 * counts them for every node, the ban follows the failures of all of them (two nodes, 30 each, a
 * ban after 50), where each node alone would never reach it; once banned, the count starts again.
 */
class SharedFailuresTest {
  private static final String ATTACKER = "198.51.100.30";
  private final AtomicLong clock = new AtomicLong(Instant.parse("2026-03-01T00:00:10Z").getEpochSecond() * 1_000_000_000L);

  /** One store shared by the nodes of this test, counting failures as a shared store does. */
  private static class Counting implements ShieldStore {
    private final ShieldStore inner = ShieldStore.inMemory();
    private final boolean counts;

    Counting(boolean counts) {
      this.counts = counts;
    }

    @Override public List<ShieldRule> rules() { return inner.rules(); }
    @Override public void add(ShieldRule rule) { inner.add(rule); }
    @Override public boolean remove(ShieldRule.Kind kind, String id) { return inner.remove(kind, id); }
    @Override public List<Ban> bans() { return inner.bans(); }
    @Override public Optional<Ban> ban(String address) { return inner.ban(address); }
    @Override public void ban(Ban ban) { inner.ban(ban); }
    @Override public boolean lift(String address) { return inner.lift(address); }
    @Override public void sweep(Instant now) { inner.sweep(now); }
    @Override public boolean countsFailures() { return counts; }
    @Override public long addFailures(String window, long count, Duration keep) {
      return inner.addFailures(window, count, keep);
    }
  }

  private final List<Ban> issued = new java.util.concurrent.CopyOnWriteArrayList<>();

  private Shield node(ShieldStore store) {
    ShieldPolicy policy = ShieldPolicy.defaults().unauthenticated(dev.monetize.plans.Rate.perSecond(1_000).withBurst(1_000))
        .banAfter(50, Duration.ofMinutes(1)).bans(Duration.ofSeconds(10), Duration.ofMinutes(5));
    return new Shield(policy, store, clock::get, issued::add);
  }

  /** {@code times} failed authentications of the attacker on each of {@code nodes}. */
  private void failEach(int times, Shield... nodes) {
    for (int i = 0; i < times; i++) {
      for (Shield n : nodes) {
        n.failed(ATTACKER, clock.get(), false);
      }
    }
  }

  private Optional<ErrorCode> refusal(Shield s) {
    return s.check(ATTACKER, clock.get()).refusal();
  }

  @Test
  void failuresSpreadOverNodesAddUpToABanOnEveryNode() {
    Counting store = new Counting(true);
    try (Shield a = node(store); Shield b = node(store)) {
      failEach(30, a, b);
      assertThat(refusal(a)).isEmpty(); // 30 each: neither node reaches 50 alone
      assertThat(refusal(b)).isEmpty();
      a.refresh(); // adds 30 to the store's window
      b.refresh(); // 60: banned
      assertThat(refusal(b)).contains(ErrorCode.IP_BANNED);
      b.refresh(); // after its ban's write to the store (one thread, in order)
      a.refresh(); // reads the ban
      assertThat(refusal(a)).contains(ErrorCode.IP_BANNED);
      assertThat(store.bans()).singleElement().extracting(Ban::strikes).isEqualTo(1);
      a.refresh(); // no new failure: no second ban, no strike more
      b.refresh();
      assertThat(store.bans()).singleElement().extracting(Ban::strikes).isEqualTo(1);
      clock.addAndGet(Duration.ofSeconds(15).toNanos()); // the first ban (10 s) lapsed, in the same minute
      a.failed(ATTACKER, clock.get(), false); // the count started again at the ban: 1, not 61
      a.refresh();
      assertThat(refusal(a)).isEmpty();
      assertThat(store.bans()).singleElement().extracting(Ban::strikes).isEqualTo(1);
    }
  }

  @Test
  void aStoreThatDoesNotCountLeavesEachNodeItsOwnCount() {
    Counting store = new Counting(false);
    try (Shield a = node(store); Shield b = node(store)) {
      failEach(30, a, b);
      a.refresh();
      b.refresh();
      assertThat(refusal(a)).isEmpty();
      assertThat(refusal(b)).isEmpty();
      failEach(20, a);
      assertThat(refusal(a)).contains(ErrorCode.IP_BANNED); // 50 of its own
    }
  }

  /** A flood from many addresses is added a thousand a second, the addresses that fail most first. */
  @Test
  void aFloodFromManyAddressesAddsTheMostFailingFirst() {
    Counting store = new Counting(true);
    java.util.List<String> banned = new java.util.ArrayList<>();
    java.util.concurrent.atomic.AtomicInteger added = new java.util.concurrent.atomic.AtomicInteger();
    Counting counted = new Counting(true) {
      @Override
      public long addFailures(String window, long count, Duration keep) {
        added.incrementAndGet();
        return store.addFailures(window, count, keep);
      }
    };
    SharedFailures flood = new SharedFailures(counted, 50, Duration.ofMinutes(1));
    for (int i = 0; i < 1_500; i++) {
      flood.add("10." + (i / 250) + "." + (i % 250) + ".1", clock.get());
    }
    for (int i = 0; i < 60; i++) {
      flood.add(ATTACKER, clock.get());
    }
    flood.flush(clock.get(), c -> null, c -> false, banned::add);
    assertThat(added.get()).isEqualTo(SharedFailures.PER_FLUSH);
    assertThat(banned).containsExactly(ATTACKER);
  }

  /**
   * Only the node whose addition crosses {@code after} bans (one ban, one event), a lifted client is
   * not banned again by the window's old total, and a store that fails keeps the counts for later.
   */
  @Test
  void oneNodeBansALiftStandsAndAStoreOutageLosesNoCount() {
    Counting store = new Counting(true);
    try (Shield a = node(store); Shield b = node(store)) {
      failEach(30, a, b);
      a.refresh();
      b.refresh(); // crosses 50: b bans
      a.failed(ATTACKER, clock.get(), false); // a, not having read the ban yet, counts one more
      a.refresh(); // 61: past it already, not crossing: no second ban
      assertThat(issued).hasSize(1);
      b.refresh(); // after its ban's write to the store (one thread, in order)
      assertThat(a.lift(ATTACKER)).isTrue();
      b.refresh();
      assertThat(refusal(b)).isEmpty();
      b.failed(ATTACKER, clock.get(), false); // the window still holds 61: a lifted client is not banned by it
      b.refresh();
      assertThat(refusal(b)).isEmpty();
      assertThat(issued).hasSize(1);
    }
    Counting failing = new Counting(true) {
      int calls;

      @Override
      public long addFailures(String window, long count, Duration keep) {
        if (calls++ == 0) {
          throw new IllegalStateException("timed out");
        }
        return super.addFailures(window, count, keep);
      }
    };
    SharedFailures shared = new SharedFailures(failing, 50, Duration.ofMinutes(1));
    List<String> banned = new java.util.ArrayList<>();
    for (int i = 0; i < 50; i++) {
      shared.add(ATTACKER, clock.get());
    }
    shared.flush(clock.get(), c -> null, c -> false, banned::add); // the store fails: nothing lost
    assertThat(banned).isEmpty();
    shared.flush(clock.get(), c -> null, c -> false, banned::add);
    assertThat(banned).containsExactly(ATTACKER);
  }
}
