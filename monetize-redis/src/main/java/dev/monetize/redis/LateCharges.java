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
 */
final class LateCharges {
  private static final Logger LOG = LoggerFactory.getLogger(RedisLimiterStore.class);
  private static final String SCRIPT = RedisScripts.script("refund.lua");
  private static final String SHA = RedisScripts.sha1(SCRIPT);
  private static final byte[] UNKNOWN = {'-'};
  private static final long E9 = 1_000_000_000L;

  private final RedisClusterAsyncCommands<byte[], byte[]> redis;
  private final boolean serverTime;
  private final long commandTimeoutNanos;
  private final LongAdder returned = new LongAdder();
  private final LongAdder handled = new LongAdder();
  private final LongAdder standing = new LongAdder();
  /** Told when a late reply shows the server ran the script promptly: the delay was this JVM's or the way back. */
  private volatile Runnable serverAnswered = () -> { };

  /**
   * @param serverTime whether the scripts read the server's clock (else the callers' time is passed)
   * @param commandTimeoutNanos how long a caller waits for a reply
   */
  LateCharges(RedisClusterAsyncCommands<byte[], byte[]> redis, boolean serverTime, long commandTimeoutNanos) {
    this.redis = redis;
    this.serverTime = serverTime;
    this.commandTimeoutNanos = commandTimeoutNanos;
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
   */
  void watch(CompletionStage<List<Object>> reply, byte[][] keys, byte[][] args, long callerNow) {
    long gaveUp = System.nanoTime();
    reply.whenComplete((late, failure) -> {
      try {
        Throwable cause = failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
        if (cause instanceof io.lettuce.core.RedisCommandExecutionException) { // NOSCRIPT, TRYAGAIN: nothing ran
          handled.increment();
          return;
        }
        if (failure != null) { // no reply: the connection closed, or none came within the late window
          standing("a request answered without Redis may have been charged there: no reply of its script was read "
              + "within 10 s of its timeout (a longer pause of this JVM, or a connection lost: {}); {} such requests "
              + "so far", failure.toString());
          return;
        }
        if (ranPromptly(late, args)) {
          serverAnswered.run();
        }
        if (charged(late)) {
          giveBack(keys, refundArgs(args, late, callerNow, refundTime(callerNow, gaveUp)));
        } else {
          handled.increment(); // a refusal, or too late to run: nothing was charged
        }
      } catch (RuntimeException e) { // never lost in the event loop: said, and the charge stands
        standing("a request answered without Redis was charged there, and giving the charge back failed: {}; "
            + "{} such requests so far", e.toString());
      }
    });
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
    long deadline = RedisScripts.asLong(args[3]) * E9 + RedisScripts.asLong(args[4]);
    return RedisScripts.asLong(reply.get(3)) * 1_000L <= deadline - commandTimeoutNanos / 2;
  }

  /** The callers' time now, as the refund reads it: {@link Long#MIN_VALUE} for the server's clock. */
  private long refundTime(long callerNow, long gaveUp) {
    return serverTime ? Long.MIN_VALUE : callerNow + commandTimeoutNanos + (System.nanoTime() - gaveUp);
  }

  private void giveBack(byte[][] keys, byte[][] refund) {
    redis.<Long>evalsha(SHA, ScriptOutputType.INTEGER, keys, refund).whenComplete((given, failure) -> {
      Throwable cause = failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
      if (cause instanceof RedisNoScriptException) { // a server that has not seen it yet
        redis.<Long>eval(SCRIPT, ScriptOutputType.INTEGER, keys, refund).whenComplete(this::done);
      } else {
        done(given, failure);
      }
    });
  }

  private void done(Long given, Throwable failure) {
    if (failure != null) {
      standing("a request answered without Redis was charged there, and giving the charge back failed: {}; "
          + "{} such requests so far", failure.toString());
      return;
    }
    if (given != null && given > 0) {
      returned.increment();
    }
    handled.increment();
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
      now = RedisScripts.asLong(reply.get(3)) * 1_000L; // the server's time in microseconds
    }
    if (refundNow != Long.MIN_VALUE) {
      out[0] = RedisScripts.ascii(Math.floorDiv(refundNow, E9));
      out[1] = RedisScripts.ascii(Math.floorMod(refundNow, E9));
    }
    int at = args.length;
    for (int i = 0; i < n; i++, at += 2) {
      byte kind = args[ScriptLayout.HEADER + i * ScriptLayout.PER_LIMIT][0];
      long reset = RedisScripts.asLong(reply.get(6 + i * 3));
      long end = now + reset; // a rate: the TAT it left; a quota: its window's end
      out[at] = UNKNOWN;
      out[at + 1] = UNKNOWN;
      if (kind == 'r') {
        out[at] = RedisScripts.ascii(Math.floorDiv(end, E9));
        out[at + 1] = RedisScripts.ascii(Math.floorMod(end, E9));
      } else if (kind == 'q' && reset > 0 && Math.floorMod(end, E9) == 0) {
        out[at] = RedisScripts.ascii(Math.floorDiv(end, E9));
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
