package dev.monetize.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives back what a limits script charged when its reply arrived after the caller had stopped
 * waiting for it. The script refuses to charge once the caller's deadline has passed on the server's
 * clock, but a script that ran in time can still answer late: its reply held up on the network, or
 * this JVM paused (a long garbage collection, a stopped process) between sending and reading. The
 * caller has then answered {@code 503} (or let the fallback store decide, which counts the request
 * itself), so the request was not served by what Redis counted; when the late reply shows a charge,
 * {@code refund.lua} takes back what of it is still held, with the same keys. A refund that fails, or
 * a reply that never comes, leaves the charge standing, and is logged.
 *
 * <p>A connection lost while a script is in flight loses its reply, and Lettuce sends the script again
 * once it reconnects (at least once); the store reconnects no sooner than the command timeout, so that
 * second run comes after the deadline and charges nothing, but whether the first one ran is not known:
 * such a call counts as standing (it may have been charged).
 */
final class LateCharges {
  private static final Logger LOG = LoggerFactory.getLogger(RedisLimiterStore.class);
  private static final String SCRIPT = ScriptText.script("refund.lua");
  private static final String SHA = ScriptText.sha1(SCRIPT);
  private static final byte[] UNKNOWN = {'-'};
  private static final long E9 = 1_000_000_000L;

  private final RedisClusterAsyncCommands<byte[], byte[]> redis;
  private final boolean serverTime;
  private final long commandTimeoutNanos;
  private final LongAdder returned = new LongAdder();
  private final LongAdder handled = new LongAdder();
  private final LongAdder standing = new LongAdder();
  /** Connections lost so far: a reply read after one may be a second run's. */
  private final java.util.function.LongSupplier disconnects;
  /** Whether the scripts run on a cluster (a refund's marker must share its call's hash slot). */
  private final boolean cluster;
  /** How long a refund's marker lives: longer than a command can wait in Lettuce to be sent again. */
  private final byte[] markerMillis;
  /** Told when a late reply shows the server ran the script promptly: the delay was this JVM's or the way back. */
  private volatile Runnable serverAnswered = () -> { };

  /**
   * @param serverTime whether the scripts read the server's clock (else the callers' time is passed)
   * @param commandTimeoutNanos how long a caller waits for a reply
   * @param disconnects the connections the scripts' link has lost so far
   * @param cluster whether the scripts run on a Redis Cluster
   */
  LateCharges(RedisClusterAsyncCommands<byte[], byte[]> redis, boolean serverTime, long commandTimeoutNanos,
      java.util.function.LongSupplier disconnects, boolean cluster) {
    this.redis = redis;
    this.serverTime = serverTime;
    this.commandTimeoutNanos = commandTimeoutNanos;
    this.disconnects = disconnects;
    this.cluster = cluster;
    // a command waits at most the connection's timeout (the command timeout and the late replies' window)
    long waits = commandTimeoutNanos / 1_000_000 + RedisScripts.LATE_REPLIES.toMillis();
    this.markerMillis = ScriptText.ascii(Math.max(60_000, 2 * waits));
  }

  /**
   * What to run when a late reply shows the server ran its script within the first half of the
   * caller's wait: Redis was well, the time went on the way back or in this JVM (a pause), so the
   * store need not rest from it.
   */
  void onServerAnswered(Runnable action) {
    this.serverAnswered = java.util.Objects.requireNonNull(action, "action");
  }

  /**
   * Once {@code reply} arrives, gives back what it charged, if anything.
   *
   * @param keys the {@code KEYS} the call sent
   * @param args the {@code ARGV} the call sent
   * @param callerNow the time the call passed (epoch nanoseconds; unused when the server's clock is read)
   * @param disconnectsBefore {@link #disconnects} as the call was sent
   */
  void watch(CompletionStage<List<Object>> reply, byte[][] keys, byte[][] args, long callerNow,
      long disconnectsBefore) {
    long gaveUp = System.nanoTime();
    reply.whenComplete((late, failure) -> {
      try {
        Throwable cause = failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
        // the connection was lost since the call was sent: what is read now is a second run's, whose
        // first run may have charged with its reply lost (a restarted server's NOSCRIPT or LOADING too)
        boolean resent = disconnects.getAsLong() != disconnectsBefore;
        if (cause instanceof io.lettuce.core.RedisCommandExecutionException && !resent) { // NOSCRIPT, TRYAGAIN: nothing ran
          handled.increment();
          return;
        }
        if (failure != null && !resent) { // no reply: the connection closed, or none came within the late window
          standing("a request answered without Redis may have been charged there: no reply of its script was read "
              + "within 10 s of its timeout (a longer pause of this JVM, or a connection lost: {}); {} such requests "
              + "so far", failure.toString());
          return;
        }
        if (resent) {
          unknown();
          if (failure == null && charged(late)) { // a client of the application's that reconnected within the deadline
            giveBack(keys, refundArgs(args, late, callerNow, refundTime(callerNow, gaveUp)), false);
          }
          return;
        }
        if (ranPromptly(late, args)) {
          serverAnswered.run();
        }
        if (charged(late)) {
          giveBack(keys, refundArgs(args, late, callerNow, refundTime(callerNow, gaveUp)), true);
        } else {
          handled.increment(); // a refusal, or too late to run: nothing was charged
        }
      } catch (RuntimeException e) { // never lost in the event loop: said, and the charge stands
        standing("a request answered without Redis was charged there, and giving the charge back failed: {}; "
            + "{} such requests so far", e.toString());
      }
    });
  }

  /**
   * A call whose connection was lost while it was in flight, answered {@code stale} by its second run
   * (or late): its first run may have charged, and its reply is lost. Counted and logged as standing.
   */
  void unknown() {
    standing("a request answered without Redis may have been charged there: the connection was lost while its "
        + "script was in flight ({}), and the script sent again after reconnecting ran past its deadline; {} such "
        + "requests so far", "its reply with it");
  }

  /** Whether a reply of {@code acquire.lua} is {@code stale}: the server ran it past its deadline, charging nothing. */
  static boolean stale(List<Object> reply) {
    return reply != null && !reply.isEmpty() && reply.get(0) instanceof byte[] first
        && "stale".equals(new String(first, StandardCharsets.US_ASCII));
  }

  /** Whether a reply of {@code acquire.lua} admitted, so charged ('stale' and a refusal did not; dry runs are not watched). */
  private static boolean charged(List<Object> reply) {
    return reply != null && !reply.isEmpty() && reply.get(0) instanceof Long admitted && admitted == 1;
  }

  /**
   * Whether the server ran the script within the first half of the caller's wait: its time (in the
   * reply) before the deadline the call carried ({@code ARGV[4]}, {@code ARGV[5]}) less half the wait.
   */
  private boolean ranPromptly(List<Object> reply, byte[][] args) {
    if (reply == null || reply.size() < 4 || !(reply.get(0) instanceof Long)) {
      return false; // 'stale': it ran past the deadline
    }
    long deadline = ScriptText.asLong(args[3]) * E9 + ScriptText.asLong(args[4]);
    return ScriptText.asLong(reply.get(3)) * 1_000L <= deadline - commandTimeoutNanos / 2;
  }

  /** The callers' time now, as the refund reads it: {@link Long#MIN_VALUE} for the server's clock. */
  private long refundTime(long callerNow, long gaveUp) {
    return serverTime ? Long.MIN_VALUE : callerNow + commandTimeoutNanos + (System.nanoTime() - gaveUp);
  }

  /** Runs the refund; {@code settles}: whether its outcome settles the call (else it was counted already). */
  private void giveBack(byte[][] callKeys, byte[][] callRefund, boolean settles) {
    byte[][] keys = java.util.Arrays.copyOf(callKeys, callKeys.length + 1);
    keys[callKeys.length] = marker(callKeys[0], cluster);
    byte[][] refund = java.util.Arrays.copyOf(callRefund, callRefund.length + 1);
    refund[callRefund.length] = markerMillis;
    redis.<Long>evalsha(SHA, ScriptOutputType.INTEGER, keys, refund).whenComplete((given, failure) -> {
      Throwable cause = failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
      if (cause instanceof RedisNoScriptException) { // a server that has not seen it yet
        redis.<Long>eval(SCRIPT, ScriptOutputType.INTEGER, keys, refund)
            .whenComplete((again, failed) -> done(again, failed, settles));
      } else {
        done(given, failure, settles);
      }
    });
  }

  private void done(Long given, Throwable failure, boolean settles) {
    if (failure != null) {
      if (settles) {
        standing("a request answered without Redis was charged there, and giving the charge back failed: {}; "
            + "{} such requests so far", failure.toString());
      }
      return;
    }
    if (given != null && given > 0) { // sent again after a lost connection: what its first run gave
      returned.increment();
    }
    if (settles) {
      handled.increment();
    }
  }

  /**
   * A key of its own for one refund, in the hash slot of the call's first key (a cluster runs a
   * script's keys on one node): {@code refund.lua} sets it once, so a refund Lettuce sends again after
   * a lost connection gives nothing twice. It expires long after any resend.
   */
  static byte[] marker(byte[] firstKey, boolean cluster) {
    String key = new String(firstKey, StandardCharsets.UTF_8);
    int open = key.indexOf('{');
    int close = open < 0 ? -1 : key.indexOf('}', open + 1);
    String slot;
    if (close > open + 1) {
      slot = key.substring(0, close + 1); // the prefix and the hash tag, as Redis finds it
    } else if (!cluster) {
      slot = key; // one server: any key will do, this one keeps the store's prefix
    } else { // Redis hashes the whole key: a tag of its own in the same slot
      int want = io.lettuce.core.cluster.SlotHash.getSlot(firstKey);
      int i = 0;
      while (io.lettuce.core.cluster.SlotHash.getSlot(Integer.toString(i)) != want) {
        i++; // about 16,000 tries: only for keys without a tag, which the engine does not make
      }
      slot = "{" + i + "}";
    }
    java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
    return (slot + ":refund:" + Long.toHexString(r.nextLong()) + Long.toHexString(r.nextLong()))
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Counts a charge that stands, and says so for the 1st, 2nd, 4th, 8th...: a failing Redis without a flood. */
  private void standing(String format, String cause) {
    standing.increment();
    handled.increment();
    long so = standing.sum();
    if (Long.bitCount(so) == 1) {
      LOG.warn(format, cause, so);
    }
  }

  /**
   * The call's arguments with the refund's time ({@code refundNow}, or the server's) and, after the
   * quotas' window boundaries, two values per limit: a rate's theoretical arrival time as the call left
   * it, a quota's window end (its reset after the call's time, in whole seconds), or '-'.
   */
  static byte[][] refundArgs(byte[][] args, List<Object> reply, long callerNow, long refundNow) {
    int n = Integer.parseInt(new String(args[2], StandardCharsets.US_ASCII));
    long now = callerNow; // the call's time, as the script read it
    byte[][] out = java.util.Arrays.copyOf(args, args.length + 2 * n);
    if (args[0][0] == '-') {
      now = ScriptText.asLong(reply.get(3)) * 1_000L; // the server's time in microseconds
    }
    if (refundNow != Long.MIN_VALUE) {
      out[0] = ScriptText.ascii(Math.floorDiv(refundNow, E9));
      out[1] = ScriptText.ascii(Math.floorMod(refundNow, E9));
    }
    int at = args.length;
    for (int i = 0; i < n; i++, at += 2) {
      byte kind = args[ScriptLayout.HEADER + i * ScriptLayout.PER_LIMIT][0];
      long reset = ScriptText.asLong(reply.get(6 + i * 3));
      long end = now + reset; // a rate: the TAT it left; a quota: its window's end
      out[at] = UNKNOWN;
      out[at + 1] = UNKNOWN;
      if (kind == 'r') {
        out[at] = ScriptText.ascii(Math.floorDiv(end, E9));
        out[at + 1] = ScriptText.ascii(Math.floorMod(end, E9));
      } else if (kind == 'q' && reset > 0 && Math.floorMod(end, E9) == 0) {
        out[at] = ScriptText.ascii(Math.floorDiv(end, E9));
      }
    }
    return out;
  }

  /** Late charges of which something was given back. */
  long returned() {
    return returned.sum();
  }

  /** Late replies dealt with: given back, nothing to give back, or a charge that stands. */
  long handled() {
    return handled.sum();
  }

  /** Late replies whose charge may stand: the reply never came, or the refund failed. */
  long standing() {
    return standing.sum();
  }
}
