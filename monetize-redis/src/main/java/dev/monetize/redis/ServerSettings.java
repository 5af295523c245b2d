package dev.monetize.redis;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the limiter store checks of its server's settings at start: whether it keeps anything on disk
 * and whether it may evict keys. Either would lose limits or balances; the store says so once, and a
 * server that refuses {@code CONFIG GET} (a managed one, often) is not asked further.
 */
final class ServerSettings {
  private static final Logger LOG = LoggerFactory.getLogger(RedisLimiterStore.class);

  private ServerSettings() {}

  /**
   * Warns once when the server keeps nothing on disk ({@code appendonly no} and no {@code save}
   * points): a restart would then reset every quota and read every prepaid balance as 0; and when it
   * may evict keys ({@code maxmemory} set, a policy other than {@code noeviction}). A server that
   * refuses {@code CONFIG GET} (a managed one, often) is not asked further.
   */
  static void warnIfVolatile(RedisClusterAsyncCommands<byte[], byte[]> redis, RedisEndpoint endpoint, long timeoutNanos) {
    try {
      String maxmemory = get(redis, "maxmemory", timeoutNanos);
      String policy = get(redis, "maxmemory-policy", timeoutNanos);
      if (evicts(maxmemory, policy)) {
        LOG.warn("{} may evict keys (maxmemory {}, maxmemory-policy {}): under memory pressure it would drop quota "
            + "and rate states (admitting past the limits) and, with an allkeys policy, prepaid balances; set "
            + "maxmemory-policy noeviction on the limiter's Redis (see docs/redis.md, Durability)", endpoint,
            maxmemory, policy);
      }
      String aof = get(redis, "appendonly", timeoutNanos);
      String save = get(redis, "save", timeoutNanos);
      if (persistenceOff(aof, save)) {
        LOG.warn("{} keeps nothing on disk (appendonly {}, save '{}'): a restart resets every quota and "
            + "reads every prepaid balance as 0; turn on appendonly (appendfsync everysec at least) for limits "
            + "and credits (see docs/redis.md, Durability)", endpoint, aof, save);
      }
    } catch (RuntimeException e) {
      LOG.debug("could not read the persistence settings of {}: {}", endpoint, e.toString());
    }
  }

  /** One setting, within the command timeout. */
  private static String get(RedisClusterAsyncCommands<byte[], byte[]> redis, String name, long timeoutNanos) {
    try {
      Map<String, String> m = redis.configGet(name).get(timeoutNanos, TimeUnit.NANOSECONDS);
      return String.valueOf(m.get(name));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted reading " + name, e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot read " + name + ": " + e, e);
    }
  }

  /** Whether a server with these settings evicts keys when full: a limit set and a policy that evicts. */
  static boolean evicts(String maxmemory, String policy) {
    boolean limited = maxmemory != null && !maxmemory.isBlank() && !"0".equals(maxmemory.strip())
        && !"null".equals(maxmemory);
    return limited && policy != null && !"noeviction".equalsIgnoreCase(policy.strip()) && !"null".equals(policy);
  }

  /** Whether these {@code appendonly} and {@code save} settings keep nothing on disk. */
  static boolean persistenceOff(String appendonly, String save) {
    return !"yes".equalsIgnoreCase(appendonly) && (save == null || save.isBlank() || "null".equals(save));
  }

}
