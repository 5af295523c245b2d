package dev.monetize.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives back what a limits script charged when its reply arrived after the caller had stopped
 * waiting for it. The script refuses to charge once the caller's deadline has passed on the server's
 * clock, but a script that ran in time can still answer late: its reply held up on the network, or
 * this JVM paused (a long garbage collection, a stopped process) between sending and reading. The
 * caller has then answered {@code 503} (or let the fallback store decide), so the request was not
 * served by what Redis counted; when the late reply shows a charge, {@code refund.lua} takes it back
 * with the same keys and arguments. A refund that fails is logged: the charge then stands.
 */
final class LateCharges {
  private static final Logger LOG = LoggerFactory.getLogger(RedisLimiterStore.class);
  private static final String SCRIPT = RedisScripts.script("refund.lua");
  private static final byte[] UNKNOWN = {'-'};

  private final RedisClusterAsyncCommands<byte[], byte[]> redis;
  private final LongAdder returned = new LongAdder();
  private final LongAdder kept = new LongAdder();

  LateCharges(RedisClusterAsyncCommands<byte[], byte[]> redis) {
    this.redis = redis;
  }

  /**
   * Once {@code reply} arrives, gives back what it charged, if anything.
   *
   * @param keys the {@code KEYS} the call sent
   * @param args the {@code ARGV} the call sent
   * @param callerNow the time the call passed (epoch nanoseconds), or {@link Long#MIN_VALUE} when the
   *     script read the server's clock
   */
  void watch(CompletionStage<List<Object>> reply, byte[][] keys, byte[][] args, long callerNow) {
    reply.whenComplete((late, failure) -> {
      if (failure == null && charged(late)) {
        giveBack(keys, args, late, callerNow);
      }
    });
  }

  /** Whether a reply of {@code acquire.lua} admitted, so charged ('stale' and a refusal did not; dry runs are not watched). */
  private static boolean charged(List<Object> reply) {
    return reply != null && !reply.isEmpty() && reply.get(0) instanceof Long admitted && admitted == 1;
  }

  private void giveBack(byte[][] keys, byte[][] args, List<Object> reply, long callerNow) {
    byte[][] refund = refundArgs(args, reply, callerNow);
    redis.<Long>eval(SCRIPT, ScriptOutputType.INTEGER, keys, refund).whenComplete((given, failure) -> {
      if (failure == null) {
        returned.increment();
        return;
      }
      kept.increment();
      long so = kept.sum();
      if (Long.bitCount(so) == 1) { // the 1st, 2nd, 4th, 8th...: a failing Redis says so without a flood
        LOG.warn("a request answered without Redis (its reply came after the command timeout) was charged there, "
            + "and giving the charge back failed: {} ({} such charges kept so far)", failure.toString(), so);
      }
    });
  }

  /**
   * The call's arguments followed by, per quota, the end of the window it charged: the call's time
   * plus the reset its reply gave (whole seconds), or '-' when that is not a whole second after a
   * positive reset.
   */
  static byte[][] refundArgs(byte[][] args, List<Object> reply, long callerNow) {
    int n = Integer.parseInt(new String(args[2], StandardCharsets.US_ASCII));
    long now = callerNow != Long.MIN_VALUE ? callerNow : RedisScripts.asLong(reply.get(3)) * 1_000L;
    int quotas = 0;
    for (int i = 0; i < n; i++) {
      if (args[ScriptLayout.HEADER + i * ScriptLayout.PER_LIMIT][0] == 'q') {
        quotas++;
      }
    }
    byte[][] out = java.util.Arrays.copyOf(args, args.length + quotas);
    int at = args.length;
    for (int i = 0; i < n; i++) {
      if (args[ScriptLayout.HEADER + i * ScriptLayout.PER_LIMIT][0] == 'q') {
        long reset = RedisScripts.asLong(reply.get(6 + i * 3));
        long ends = now + reset;
        out[at++] = reset > 0 && Math.floorMod(ends, 1_000_000_000L) == 0
            ? RedisScripts.ascii(Math.floorDiv(ends, 1_000_000_000L)) : UNKNOWN;
      }
    }
    return out;
  }

  /** Late charges given back. */
  long returned() {
    return returned.sum();
  }

  /** Late charges that could not be given back (the refund failed), which stand. */
  long kept() {
    return kept.sum();
  }

}
