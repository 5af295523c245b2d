package dev.monetize.shield.internal;

import dev.monetize.shield.Ban;
import dev.monetize.shield.ShieldRule;
import dev.monetize.shield.ShieldStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The {@link ShieldStore} of one JVM: two concurrent maps. */
public final class InMemoryShieldStore implements ShieldStore {
  private final ConcurrentHashMap<String, ShieldRule> rules = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Ban> bans = new ConcurrentHashMap<>();
  /** Failure windows by name: their count and when they are forgotten (epoch millis of this JVM's clock). */
  private final ConcurrentHashMap<String, long[]> failures = new ConcurrentHashMap<>();

  @Override
  public List<ShieldRule> rules() {
    return List.copyOf(rules.values());
  }

  @Override
  public void add(ShieldRule rule) {
    rules.put(rule.id(), rule);
  }

  @Override
  public boolean remove(ShieldRule.Kind kind, String id) {
    ShieldRule r = rules.get(id);
    return r != null && r.kind() == kind && rules.remove(id, r);
  }

  @Override
  public List<Ban> bans() {
    return List.copyOf(bans.values());
  }

  @Override
  public Optional<Ban> ban(String address) {
    return Optional.ofNullable(bans.get(address));
  }

  @Override
  public void ban(Ban ban) {
    bans.put(ban.address(), ban);
  }

  @Override
  public boolean lift(String address) {
    return bans.remove(address) != null;
  }

  /** Counts for the engines of this JVM that share this store; {@link #countsFailures()} stays false (one process). */
  @Override
  public long addFailures(String window, long count, Duration keep) {
    long forget = System.currentTimeMillis() + keep.toMillis();
    return failures.compute(window, (k, v) -> v == null ? new long[] {count, forget} : new long[] {v[0] + count,
        forget})[0];
  }

  @Override
  public void sweep(Instant now) {
    long wall = System.currentTimeMillis();
    failures.values().removeIf(v -> v[1] < wall);
    rules.values().removeIf(r -> !r.active(now));
    Instant forgotten = now.minus(Duration.ofDays(1));
    bans.values().removeIf(b -> b.until().isBefore(forgotten));
  }
}
