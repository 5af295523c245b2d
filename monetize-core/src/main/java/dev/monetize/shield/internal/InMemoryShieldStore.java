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

  @Override
  public void sweep(Instant now) {
    rules.values().removeIf(r -> !r.active(now));
    Instant forgotten = now.minus(Duration.ofDays(1));
    bans.values().removeIf(b -> b.until().isBefore(forgotten));
  }
}
