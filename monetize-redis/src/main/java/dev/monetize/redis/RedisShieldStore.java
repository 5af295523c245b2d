package dev.monetize.redis;

import dev.monetize.http.Cidr;
import dev.monetize.shield.Ban;
import dev.monetize.shield.ShieldRule;
import dev.monetize.shield.ShieldStore;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link ShieldStore} on Redis, shared by every node: the rules in one hash ({@code
 * <prefix>shield:rules}, id to entry) and the bans in another ({@code <prefix>shield:bans}, address
 * to ban), so an operator's change or a ban issued on one node is read by every node within a
 * second. Values are plain text ({@code deny|198.51.100.0/24|<until millis or ->|<created millis>}).
 * An unreachable Redis fails the management call that changes it, and a node keeps the lists it
 * last read.
 *
 * <pre>{@code
 * Monetize.builder().shieldStore(RedisShieldStore.connect("redis://127.0.0.1:6379/0", "monetize:"));
 * }</pre>
 */
public final class RedisShieldStore implements ShieldStore, AutoCloseable {
  private final RedisLink<String, String> link;
  private final RedisClusterCommands<String, String> redis;
  private final String rules;
  private final String bans;
  private final String failures;
  /** Adds to a window's count and keeps it for the time given, in one step (no count left without an expiry). */
  private static final String ADD_FAILURES = "local n = redis.call('INCRBY', KEYS[1], ARGV[1]) "
      + "redis.call('PEXPIRE', KEYS[1], ARGV[2]) return n";

  private RedisShieldStore(RedisEndpoint endpoint, String prefix) {
    this.link = RedisLink.open(endpoint, StringCodec.UTF8, Duration.ofSeconds(1));
    this.redis = link.sync;
    this.rules = prefix + "shield:rules";
    this.bans = prefix + "shield:bans";
    this.failures = prefix + "shield:failures:";
  }

  /** Connects to {@code uri}; its keys (two, and one per window of failures) start with {@code prefix}. */
  public static RedisShieldStore connect(String uri, String prefix) {
    return connect(RedisEndpoint.of(uri), prefix);
  }

  /** Connects to one server or a Redis Cluster; its two keys start with {@code prefix}. */
  public static RedisShieldStore connect(RedisEndpoint endpoint, String prefix) {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(prefix, "prefix");
    return new RedisShieldStore(endpoint, prefix);
  }

  @Override
  public List<ShieldRule> rules() {
    List<ShieldRule> out = new ArrayList<>();
    for (Map.Entry<String, String> e : redis.hgetall(rules).entrySet()) {
      decodeRule(e.getKey(), e.getValue()).ifPresent(out::add);
    }
    return out;
  }

  @Override
  public void add(ShieldRule rule) {
    redis.hset(rules, rule.id(), rule.kind().word() + "|" + rule.cidr() + "|"
        + rule.until().map(u -> Long.toString(u.toEpochMilli())).orElse("-") + "|" + rule.created().toEpochMilli());
  }

  @Override
  public boolean remove(ShieldRule.Kind kind, String id) {
    String v = redis.hget(rules, id);
    if (v == null || !v.startsWith(kind.word() + "|")) {
      return false;
    }
    return redis.hdel(rules, id) == 1;
  }

  @Override
  public List<Ban> bans() {
    List<Ban> out = new ArrayList<>();
    for (Map.Entry<String, String> e : redis.hgetall(bans).entrySet()) {
      decodeBan(e.getKey(), e.getValue()).ifPresent(out::add);
    }
    return out;
  }

  @Override
  public Optional<Ban> ban(String address) {
    String v = redis.hget(bans, address);
    return v == null ? Optional.empty() : decodeBan(address, v);
  }

  @Override
  public void ban(Ban ban) {
    redis.hset(bans, ban.address(), ban.until().toEpochMilli() + "|" + ban.strikes() + "|" + ban.since().toEpochMilli());
  }

  @Override
  public boolean lift(String address) {
    return redis.hdel(bans, address) == 1;
  }

  /** Every node that shares this store counts into one window: a ban follows all their failures. */
  @Override
  public boolean countsFailures() {
    return true;
  }

  /** One key per window ({@code INCRBY} and {@code PEXPIRE} in one script), forgotten after {@code keep}. */
  @Override
  public long addFailures(String window, long count, Duration keep) {
    Long n = redis.eval(ADD_FAILURES, io.lettuce.core.ScriptOutputType.INTEGER, new String[] {failures + window},
        Long.toString(count), Long.toString(Math.max(1, keep.toMillis())));
    return n == null ? count : n;
  }

  @Override
  public void sweep(Instant now) {
    for (ShieldRule r : rules()) {
      if (!r.active(now)) {
        redis.hdel(rules, r.id());
      }
    }
    Instant forgotten = now.minus(Duration.ofDays(1));
    for (Ban b : bans()) {
      if (b.until().isBefore(forgotten)) {
        redis.hdel(bans, b.address());
      }
    }
  }

  /** An entry this version cannot read is skipped (never a failure of every request). */
  private static Optional<ShieldRule> decodeRule(String id, String v) {
    try {
      String[] p = v.split("\\|", -1);
      ShieldRule.Kind kind = ShieldRule.Kind.valueOf(p[0].toUpperCase(java.util.Locale.ROOT));
      Optional<Instant> until = p[2].equals("-") ? Optional.empty() : Optional.of(Instant.ofEpochMilli(Long.parseLong(p[2])));
      return Optional.of(new ShieldRule(id, kind, Cidr.parse(p[1]), until, Instant.ofEpochMilli(Long.parseLong(p[3]))));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Optional<Ban> decodeBan(String address, String v) {
    try {
      String[] p = v.split("\\|", -1);
      return Optional.of(new Ban(address, Instant.ofEpochMilli(Long.parseLong(p[0])), Integer.parseInt(p[1]),
          Instant.ofEpochMilli(Long.parseLong(p[2]))));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    link.close();
  }
}
