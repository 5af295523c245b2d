package dev.monetize.redis;

import static dev.monetize.redis.ScriptText.ascii;
import static dev.monetize.redis.ScriptText.asLong;
import static dev.monetize.redis.ScriptText.script;
import static dev.monetize.redis.ScriptText.sha1;

import dev.monetize.limits.ConcurrencyPolicy;
import dev.monetize.limits.CreditPolicy;
import dev.monetize.limits.LimitPolicy;
import dev.monetize.limits.LimitRequest;
import dev.monetize.limits.LimitVerdict;
import dev.monetize.limits.LimiterStore;
import dev.monetize.limits.LimiterUnavailableException;
import dev.monetize.limits.PolicyState;
import dev.monetize.limits.QuotaPolicy;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis half of {@link RedisLimiterStore}: every limit of a request checked and charged by one
 * Lua script in one round trip. It knows only Redis: when Redis does not answer it throws
 * {@link LimiterUnavailableException}, and the core's {@link dev.monetize.limits.FailoverLimiterStore}
 * decides what happens then.
 */
final class RedisScripts implements LimiterStore, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisLimiterStore.class);
  private static final String SCRIPT = script("acquire.lua");
  /**
   * How much earlier than the client's own timeout the server stops charging: a command the client
   * may already have given up on must never charge, so the error of the clock offset estimate is
   * taken off the deadline, not added to it.
   */
  private static final long DEADLINE_SLACK_NANOS = 20_000_000L;
  /**
   * How long a command stays in flight after its caller stopped waiting (the connection's timeout is
   * the command timeout plus this): a script's reply that comes in that time is read, to give back
   * what it charged ({@link LateCharges}); one later than that (a pause of the JVM longer than it) is
   * lost, and its charge stands. Callers wait the command timeout, on their own.
   */
  static final java.time.Duration LATE_REPLIES = java.time.Duration.ofSeconds(10);

  /** Bytes both ways: the script's arguments are encoded once per list of limits, not per call. */
  private final RedisLink<byte[], byte[]> link;
  private final io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands<byte[], byte[]> redis;
  private final LateCharges late;
  private final String sha;
  private final String prefix;
  private final long leaseTimeoutMillis;
  private final boolean cluster;
  private final boolean serverTime;
  private final long commandTimeoutNanos;
  private volatile long serverOffsetNanos;
  /**
   * This JVM's clock for the offset and the deadline: the wall clock read once, advanced by
   * {@link System#nanoTime()} (a fraction of what {@link java.time.Instant#now()} costs, and exact to
   * the nanosecond). Its error against the true time cancels: the offset is measured on it and the
   * deadline computed on it.
   */
  private final long clockBase = wallClockNanos();
  private final long clockOrigin = System.nanoTime();
  private final SecureRandom random = new SecureRandom();
  private final LongAdder scriptCalls = new LongAdder();
  /** Layouts by list identity (weak keys): the engine sends the same list for a customer's every request. */
  private final com.github.benmanes.caffeine.cache.Cache<List<LimitRequest>, ScriptLayout> layouts =
      com.github.benmanes.caffeine.cache.Caffeine.newBuilder().weakKeys().maximumSize(100_000).build();
  /**
   * The layouts used last, in front of {@link #layouts}: a slot per list's identity hash, read and
   * written without a lock (a layout's fields are final, and a slot found holding another list's
   * layout is checked by {@link ScriptLayout#matches} and replaced). A weak-keyed cache costs a
   * lookup wrapper and a contended read buffer per call; this costs one array read. Emptied on close.
   */
  private final ScriptLayout[] recent = new ScriptLayout[4_096];
  /** Each quota's windows around the callers' clock, shared by the layouts that use the quota. */
  private final java.util.concurrent.ConcurrentHashMap<QuotaPolicy, QuotaWindows> windowCache =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final ScriptLayout.WindowSource windowSource = this::windows;

  RedisScripts(RedisLimiterStore.Builder b) {
    if (b.client != null) {
      if (b.endpoint.isCluster()) {
        throw new IllegalArgumentException("a shared RedisClient serves one server, not " + b.endpoint
            + ": give the cluster's seed nodes alone and the store opens its own cluster client");
      }
      RedisURI uri = b.endpoint.nodes().get(0);
      uri.setTimeout(b.commandTimeout.plus(LATE_REPLIES));
      // the application's event loops and options, on a client of the store's own that reconnects no sooner
      // than the command timeout (see below), whatever the application's client does
      this.link = RedisLink.sharing(b.client, uri, ByteArrayCodec.INSTANCE, b.commandTimeout);
    } else {
      // Lettuce sends a command in flight on a lost connection again once it reconnects: reconnecting no
      // sooner than the command timeout, that second run comes after the script's deadline and charges nothing
      this.link = RedisLink.open(b.endpoint, ByteArrayCodec.INSTANCE, b.commandTimeout.plus(LATE_REPLIES),
          b.commandTimeout);
    }
    this.redis = link.async;
    this.late = new LateCharges(link.async, b.serverTime, b.commandTimeout.toNanos(), link::disconnects,
        b.endpoint.isCluster());
    this.cluster = b.endpoint.isCluster();
    this.sha = sha1(SCRIPT);
    this.commandTimeoutNanos = b.commandTimeout.toNanos();
    this.serverOffsetNanos = firstOffset(link, b.endpoint);
    ServerSettings.warnIfVolatile(redis, b.endpoint, commandTimeoutNanos);
    this.prefix = b.keyPrefix;
    this.leaseTimeoutMillis = b.leaseTimeout.toMillis();
    this.serverTime = b.serverTime;
  }

  /** The first offset; a server that connects but will not answer closes the connection again. */
  private long firstOffset(RedisLink<byte[], byte[]> opened, RedisEndpoint endpoint) {
    try {
      return measureOffset();
    } catch (RedisException e) {
      opened.close();
      throw new IllegalStateException("cannot use " + endpoint + ": " + e.getMessage()
          + "; check the Redis URI given to the store (or the cluster's seed nodes) and that the server is running", e);
    }
  }

  /** The server clock minus this JVM's, from {@code TIME}, taking the later bound of the round trip. */
  private long measureOffset() {
    long before = clockNanos();
    List<byte[]> t = await(redis.time());
    long server = asLong(t.get(0)) * 1_000_000_000L + asLong(t.get(1)) * 1_000L;
    return server - before;
  }

  @Override
  public LimitVerdict acquire(List<LimitRequest> requests, long nowEpochNanos) {
    return run(requests, nowEpochNanos, false);
  }

  /** The limits as they stand, charging nothing (a dry run of the same script, one round trip). */
  @Override
  public List<PolicyState> peek(List<LimitRequest> requests, long nowEpochNanos) {
    return run(requests, nowEpochNanos, true).policies();
  }

  private LimitVerdict run(List<LimitRequest> requests, long nowEpochNanos, boolean dry) {
    int n = requests.size();
    if (n == 0) {
      throw new IllegalArgumentException("at least one limit is required");
    }
    ScriptLayout layout = layout(requests);
    // past this server time the client has given up: a late run (a paused server) charges nothing
    long deadline = clockNanos() + serverOffsetNanos
        + Math.max(commandTimeoutNanos / 2, commandTimeoutNanos - DEADLINE_SLACK_NANOS);
    byte[][] header = {
        serverTime ? DASH : ascii(Math.floorDiv(nowEpochNanos, 1_000_000_000L)),
        serverTime ? DASH : ascii(Math.floorMod(nowEpochNanos, 1_000_000_000L)),
        ascii(dry ? -n : n),
        ascii(Math.floorDiv(deadline, 1_000_000_000L)),
        ascii(Math.floorMod(deadline, 1_000_000_000L))};
    Optional<String> lease = layout.leases() ? Optional.of(newLeaseId()) : Optional.empty();
    // the previous, current and next window around this JVM's clock; the script picks the one
    // that contains the server's time, so a skewed JVM clock still counts in the right window
    byte[][] args = layout.args(header, nowEpochNanos, windowSource,
        lease.map(l -> l.getBytes(StandardCharsets.US_ASCII)).orElse(null));
    byte[][] keys = layout.keys;
    List<Object> reply;
    try {
      reply = eval(keys, args, dry ? Long.MAX_VALUE : serverTime ? Long.MIN_VALUE : nowEpochNanos);
    } catch (RedisException e) {
      // on a cluster, one master (or a slot on the move) failed: this customer's, not everyone's
      throw new LimiterUnavailableException(cluster ? "a node of the Redis Cluster limiter store is unreachable"
          : "the Redis limiter store is unreachable", e, !cluster);
    }
    if (LateCharges.stale(reply)) {
      // the server ran it after our deadline: nothing was charged. It answered within our wait, so the time
      // went before it reached the server (this JVM paused after setting the deadline): this request fails,
      // and the store does not rest from a Redis that is well
      updateOffset(asLong(reply.get(1)));
      throw new LimiterUnavailableException("the Redis limiter store ran the request after its deadline",
          new RedisException("the server answered after the command timeout"), false);
    }
    updateOffset(asLong(reply.get(3)));
    return verdict(requests, reply, lease);
  }

  /** For tests: moves the estimate of the server's clock, as a pause between a deadline and its send would. */
  void skewOffset(long nanos) {
    serverOffsetNanos += nanos;
  }

  /** Tracks how far the server's clock is ahead of this JVM's, from the time each reply carries. */
  private void updateOffset(long serverMicros) {
    long server = serverMicros * 1_000L;
    long offset = server - clockNanos();
    // the reply took some time to arrive, so this underestimates by at most one trip: keep the max
    // of recent estimates, decaying slowly so that a clock step is followed
    long current = serverOffsetNanos;
    serverOffsetNanos = offset > current ? offset : current - Math.min(current - offset, 1_000_000L);
  }

  private static long wallClockNanos() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  private long clockNanos() {
    return clockBase + (System.nanoTime() - clockOrigin);
  }

  /**
   * The windows of {@code q} around {@code now}, computed once per window and policy: calendar
   * arithmetic in a time zone is far dearer than the rest of a request.
   */
  private QuotaWindows windows(QuotaPolicy q, long now) {
    QuotaWindows w = windowCache.get(q);
    if (w != null && w.holds(now)) {
      return w;
    }
    QuotaWindows fresh = QuotaWindows.around(q, now);
    if (windowCache.size() > 10_000) {
      windowCache.clear(); // policies are per plan and window, not per customer: this is a safety net
    }
    windowCache.put(q, fresh);
    return fresh;
  }

  /** The layout of {@code requests}: from the last-used slots, else the cache, else built. */
  private ScriptLayout layout(List<LimitRequest> requests) {
    int slot = System.identityHashCode(requests) & (recent.length - 1);
    ScriptLayout layout = recent[slot];
    if (layout != null && layout.matches(requests)) {
      return layout;
    }
    layout = layouts.getIfPresent(requests);
    if (layout == null || !layout.matches(requests)) {
      layout = ScriptLayout.of(requests, prefix, leaseTimeoutMillis);
      layouts.put(requests, layout);
    }
    recent[slot] = layout;
    return layout;
  }

  /**
   * Runs the script, waiting at most the command timeout for each reply; a reply that comes later is
   * left to {@link LateCharges} (with {@code callerNow}: the time the call passed, {@link Long#MIN_VALUE}
   * for the server's, or {@link Long#MAX_VALUE} for a dry run, which charges nothing to give back).
   */
  private List<Object> eval(byte[][] keys, byte[][] args, long callerNow) {
    long giveUp = System.nanoTime() + commandTimeoutNanos / 2;
    while (true) {
      scriptCalls.increment();
      long lost = link.disconnects();
      try {
        try {
          return await(redis.evalsha(sha, ScriptOutputType.MULTI, keys, args), keys, args, callerNow, lost);
        } catch (RedisNoScriptException e) {
          // a restarted or flushed server, or a cluster master new to this slot: EVAL sends the script
          return await(redis.eval(SCRIPT, ScriptOutputType.MULTI, keys, args), keys, args, callerNow, lost);
        }
      } catch (io.lettuce.core.RedisCommandExecutionException e) {
        // a cluster slot in migration holds some of the keys on each side: nothing ran, try again
        if (!String.valueOf(e.getMessage()).startsWith("TRYAGAIN") || System.nanoTime() - giveUp > 0) {
          throw e;
        }
        java.util.concurrent.locks.LockSupport.parkNanos(2_000_000L);
      }
    }
  }

  /**
   * The reply of a script sent, within the command timeout; past it, the command stays in flight and
   * its reply, when it comes, goes to {@link LateCharges}.
   */
  private List<Object> await(io.lettuce.core.RedisFuture<List<Object>> sent, byte[][] keys, byte[][] args,
      long callerNow, long disconnectsBefore) {
    List<Object> reply;
    try {
      reply = await(sent);
    } catch (io.lettuce.core.RedisCommandTimeoutException | io.lettuce.core.RedisCommandInterruptedException e) {
      if (callerNow != Long.MAX_VALUE) {
        late.watch(sent, keys, args, callerNow, disconnectsBefore);
      }
      throw e;
    } catch (RedisException e) {
      if (callerNow != Long.MAX_VALUE && brokenInFlight(e)) {
        // the connection broke under the sent script (a TCP reset fails it at once, and it is not sent
        // again): it may have run and charged, and its reply is lost
        late.unknown();
      }
      throw e;
    }
    if (callerNow != Long.MAX_VALUE && LateCharges.stale(reply) && link.disconnects() != disconnectsBefore) {
      // a second run after a lost connection: the first may have charged, and its reply is lost
      late.unknown();
    }
    return reply;
  }

  /**
   * Whether {@code e} is a connection that broke while the command was on it (an I/O error in its
   * causes), not a Redis error reply nor a command refused before it was sent ("not connected").
   */
  static boolean brokenInFlight(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  /**
   * The reply of a command sent, within the command timeout (the connection lets it run longer:
   * {@link #LATE_REPLIES}); Redis's own errors as Lettuce throws them.
   */
  private <T> T await(io.lettuce.core.RedisFuture<T> sent) {
    try {
      return sent.get(commandTimeoutNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new io.lettuce.core.RedisCommandTimeoutException(
          "no reply within the command timeout (" + commandTimeoutNanos / 1_000_000 + " ms)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new io.lettuce.core.RedisCommandInterruptedException(e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RedisException r ? r : new RedisException(e.getCause());
    }
  }

  private LimitVerdict verdict(List<LimitRequest> requests, List<Object> reply, Optional<String> lease) {
    boolean admitted = asLong(reply.get(0)) == 1;
    boolean exceeded = asLong(reply.get(1)) == 1;
    long retry = asLong(reply.get(2));
    List<PolicyState> states = new ArrayList<>(requests.size());
    for (int i = 0; i < requests.size(); i++) {
      boolean violated = asLong(reply.get(4 + i * 3)) == 1;
      long remaining = asLong(reply.get(5 + i * 3));
      long resetNanos = asLong(reply.get(6 + i * 3));
      LimitPolicy p = requests.get(i).policy();
      if (p instanceof CreditPolicy) {
        states.add(new PolicyState(p.name(), 0, 0, remaining, 0, violated, p.unit()));
      } else if (p instanceof ConcurrencyPolicy c) {
        states.add(new PolicyState(p.name(), c.limit(), p.windowSeconds(), remaining, 1, violated, p.unit()));
      } else {
        states.add(new PolicyState(p.name(), p.quota(), p.windowSeconds(), remaining,
            PolicyState.ceilSeconds(resetNanos), violated, p.unit()));
      }
    }
    if (!admitted) {
      return new LimitVerdict(false, states, retry);
    }
    return new LimitVerdict(true, states, 0, exceeded, lease);
  }

  private static final byte[] DASH = {'-'};

  @Override
  public void release(List<LimitRequest> requests, LimitVerdict verdict) {
    if (!verdict.admitted()) {
      return;
    }
    if (verdict.lease().isEmpty()) {
      return; // no concurrency slot was taken
    }
    for (LimitRequest r : requests) {
      if (r.policy() instanceof ConcurrencyPolicy) {
        try {
          await(redis.zrem(bytes(prefix + r.key()), bytes(verdict.lease().get())));
        } catch (RedisException e) {
          // the lease expires on its own after the lease timeout
          LOG.debug("releasing a concurrency lease failed: {}", e.getMessage());
        }
      }
    }
  }

  /**
   * One wallet entry, atomically: the entry ids applied to a balance are a hash beside it
   * ({@code <balance>#entries}, the same hash tag, so one slot), each with its delta and the balance
   * right after it.
   */
  private static final String CREDIT_SCRIPT = String.join("\n",
      "local earlier = redis.call('HGET', KEYS[2], ARGV[1])",
      "if earlier then",
      "  local sep = string.find(earlier, ':', 1, true)",
      "  return {1, string.sub(earlier, 1, sep - 1), string.sub(earlier, sep + 1)}",
      "end",
      "local balance = tonumber(redis.call('GET', KEYS[1]) or '0')",
      "local delta = tonumber(ARGV[2])",
      // balances stay below 2^53 micro-units, where Lua's numbers are exact; %d never writes an exponent
      "if balance + delta < 0 then return {2, ARGV[2], string.format('%d', balance)} end",
      "if balance + delta > 9007199254740991 then return {3, ARGV[2], string.format('%d', balance)} end",
      "local after = redis.call('INCRBY', KEYS[1], delta)",
      "redis.call('HSET', KEYS[2], ARGV[1], ARGV[2] .. ':' .. string.format('%d', after))",
      "return {0, ARGV[2], string.format('%d', after)}");

  @Override
  public dev.monetize.limits.CreditEntry applyCredits(String key, String entryId, long delta) {
    try {
      List<Object> r = await(redis.<List<Object>>eval(CREDIT_SCRIPT, ScriptOutputType.MULTI,
          new byte[][] {bytes(prefix + key), bytes(prefix + key + "#entries")}, bytes(entryId), bytes(Long.toString(delta))));
      int code = (int) (long) (Long) r.get(0);
      if (code == 3) {
        throw new IllegalArgumentException("a credit balance is at most " + ((1L << 53) - 1) + " micro-units");
      }
      dev.monetize.limits.CreditEntry.Outcome outcome = dev.monetize.limits.CreditEntry.Outcome.values()[code];
      return new dev.monetize.limits.CreditEntry(outcome, Long.parseLong(text(r.get(1))), Long.parseLong(text(r.get(2))));
    } catch (RedisException e) {
      throw new LimiterUnavailableException("the Redis limiter store is unreachable", e);
    }
  }

  @Override
  public long credits(String key) {
    try {
      byte[] v = await(redis.get(bytes(prefix + key)));
      return v == null ? 0 : Long.parseLong(new String(v, java.nio.charset.StandardCharsets.US_ASCII));
    } catch (RedisException e) {
      throw new LimiterUnavailableException("the Redis limiter store is unreachable", e);
    }
  }

  private static String text(Object o) {
    return o instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.US_ASCII) : String.valueOf(o);
  }

  /** Script calls sent (one per {@link #acquire} that reached Redis). */
  long scriptCalls() {
    return scriptCalls.sum();
  }

  /** What gives back the charges of replies that came too late. */
  LateCharges lateCharges() {
    return late;
  }

  /** The late charges given back and those left standing. */
  @Override
  public dev.monetize.limits.StoreCounters counters() {
    return new dev.monetize.limits.StoreCounters(0, late.returned(), late.standing());
  }

  @Override
  public void close() {
    java.util.Arrays.fill(recent, null);
    link.close();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private String newLeaseId() {
    byte[] b = new byte[12];
    random.nextBytes(b);
    return java.util.HexFormat.of().formatHex(b);
  }
}
