package dev.monetize.redis;

import dev.monetize.limits.FailoverLimiterStore;
import dev.monetize.limits.LimitRequest;
import dev.monetize.limits.LimitVerdict;
import dev.monetize.limits.LimiterStore;
import dev.monetize.limits.LimiterUnavailableException;
import dev.monetize.limits.PolicyState;
import dev.monetize.plans.StoreOutage;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A {@link LimiterStore} on Redis: every limit of a request is checked and charged by one Lua script
 * in one round trip ({@code EVALSHA}, reloaded on {@code NOSCRIPT}), so the quotas of all JVMs that
 * share the Redis are exact. Times come from the Redis server's {@code TIME}, so JVM clocks never
 * matter. A customer's own rates and quotas are integer fields of one hash per customer, read with
 * one {@code HMGET} and written with one {@code HSET}; keys of one customer share a hash tag (Redis
 * Cluster); every key but a credit balance expires once it can no longer affect a decision.
 *
 * <p>When Redis cannot answer within the command timeout, each limit follows its
 * {@link StoreOutage}: a request with a {@code FAIL_CLOSED} limit gets
 * {@link LimiterUnavailableException} (answered {@code 503 store_unavailable}); one whose limits
 * all fail open is decided by a local in-JVM store. After an outage the store leaves Redis alone
 * for {@code retryInterval}, then tries again; recovery needs nothing else. Both transitions are
 * logged once and counted. A script that ran in time but whose reply came after the timeout (a
 * paused JVM, a slow network) charged a request answered without Redis: its charge is given back
 * when the reply arrives.
 *
 * <p>On a Redis Cluster ({@link Builder#endpoint} with {@link RedisEndpoint#cluster}) each
 * customer's script runs on the master that owns the customer's slot; redirections are followed and
 * a script that meets a slot in migration ({@code TRYAGAIN}) is sent again within the deadline.
 *
 * <pre>{@code
 * RedisLimiterStore store = RedisLimiterStore.builder().uri("redis://127.0.0.1:6379/0").build();
 * Monetize monetize = Monetize.builder().limiterStore(store) ... .build();
 * }</pre>
 */
public final class RedisLimiterStore implements LimiterStore, AutoCloseable {
  private final RedisScripts scripts;
  private final FailoverLimiterStore guarded;

  private RedisLimiterStore(Builder b) {
    this.scripts = new RedisScripts(b);
    this.guarded = FailoverLimiterStore.of("the Redis limiter store", scripts, b.fallback, b.retryInterval);
    // a late reply the server answered promptly ends the rest a timeout began: Redis is well (a pause of this JVM)
    scripts.lateCharges().onServerAnswered(guarded::primaryAnswered);
  }

  /** Starts a builder. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public LimitVerdict acquire(List<LimitRequest> requests, long nowEpochNanos) {
    return guarded.acquire(requests, nowEpochNanos);
  }

  /** The limits as they stand, charging nothing (a dry run of the same script, one round trip). */
  @Override
  public List<PolicyState> peek(List<LimitRequest> requests, long nowEpochNanos) {
    return guarded.peek(requests, nowEpochNanos);
  }

  @Override
  public void release(List<LimitRequest> requests, LimitVerdict verdict) {
    guarded.release(requests, verdict);
  }

  @Override
  public dev.monetize.limits.CreditEntry applyCredits(String key, String entryId, long delta) {
    return guarded.applyCredits(key, entryId, delta);
  }

  @Override
  public long credits(String key) {
    return guarded.credits(key);
  }

  /** Calls that found Redis unreachable (or skipped it while it was). */
  public long outages() {
    return guarded.outages();
  }

  /** Script calls sent (one per {@link #acquire} that reached Redis). */
  public long scriptCalls() {
    return scripts.scriptCalls();
  }

  /**
   * The fallback's decisions and the late charges: requests charged on Redis whose reply came after
   * the command timeout (so they were answered without it: {@code 503}, or by the fallback store),
   * given back or, when the reply never came or the refund failed, standing.
   */
  @Override
  public dev.monetize.limits.StoreCounters counters() {
    return guarded.counters();
  }

  /** The Redis half: for tests. */
  RedisScripts scripts() {
    return scripts;
  }

  /** Late replies dealt with (given back, nothing to give back, or standing): for tests. */
  long lateRepliesHandled() {
    return scripts.lateCharges().handled();
  }

  /** Whether the store currently considers Redis unreachable. */
  public boolean unreachable() {
    return guarded.unreachable();
  }

  @Override
  public void close() {
    scripts.close();
  }

  /** Builder of {@link RedisLimiterStore}. */
  public static final class Builder {
    RedisEndpoint endpoint = RedisEndpoint.of("redis://127.0.0.1:6379/0");
    RedisClient client;
    Duration commandTimeout = Duration.ofMillis(200);
    String keyPrefix = "monetize:";
    Duration leaseTimeout = Duration.ofMinutes(5);
    Duration retryInterval = Duration.ofMillis(500);
    boolean serverTime = true;
    LimiterStore fallback = LimiterStore.inMemory();

    private Builder() {}

    /** The server, e.g. {@code redis://127.0.0.1:6379/0} (the path is the database index). */
    public Builder uri(String redisUri) {
      return endpoint(RedisEndpoint.of(redisUri));
    }

    /** One server or a Redis Cluster (default {@code redis://127.0.0.1:6379/0}). */
    public Builder endpoint(RedisEndpoint where) {
      this.endpoint = Objects.requireNonNull(where, "endpoint");
      return this;
    }

    /**
     * A client whose event loops, timer and options to share; by default the store creates and owns
     * one. The store connects through a client of its own on those resources, reconnecting no sooner
     * than the command timeout after a lost connection (Lettuce sends again what was in flight, and a
     * limits script must not run twice): the application's client keeps its own reconnection. Its
     * connection's timeout is the command timeout plus 10 s, callers waiting the command timeout on
     * their own, so that a script's reply that comes late is still read and what it charged given back
     * ({@link RedisLimiterStore#counters}): leave the client's {@code TimeoutOptions} at the
     * connection's timeout (Lettuce's default), or give it a fixed timeout at least that long.
     */
    public Builder client(RedisClient redisClient) {
      this.client = Objects.requireNonNull(redisClient, "redisClient");
      return this;
    }

    /** How long a command may take before Redis counts as unreachable (default 200 ms). */
    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = positive(timeout, "commandTimeout");
      return this;
    }

    /** Prefix of every key (default {@code monetize:}). */
    public Builder keyPrefix(String prefix) {
      this.keyPrefix = Objects.requireNonNull(prefix, "prefix");
      return this;
    }

    /** How long a concurrency slot is held if its request never completes (a crashed JVM); default 5 min. */
    public Builder leaseTimeout(Duration timeout) {
      this.leaseTimeout = positive(timeout, "leaseTimeout");
      return this;
    }

    /** How long to leave Redis alone after it failed before trying again (default 500 ms). */
    public Builder retryInterval(Duration interval) {
      this.retryInterval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /**
     * Whether windows and rates run on the Redis server's clock (default, so that JVM clocks never
     * matter) or on the time passed to {@link LimiterStore#acquire} (for tests with a manual clock).
     */
    public Builder serverTime(boolean useServerTime) {
      this.serverTime = useServerTime;
      return this;
    }

    /** The store that decides fail-open limits while Redis is unreachable (default in-memory). */
    public Builder fallback(LimiterStore store) {
      this.fallback = Objects.requireNonNull(store, "store");
      return this;
    }

    /** Connects and builds. Fails with a message naming the server when it cannot connect. */
    public RedisLimiterStore build() {
      return new RedisLimiterStore(this);
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, got " + d);
      }
      return d;
    }
  }
}
