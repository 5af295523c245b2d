package dev.monetize.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.RedisCodec;
import java.time.Duration;
import java.util.List;

/**
 * One store's connection to a {@link RedisEndpoint}, single server or cluster, behind the commands
 * both answer ({@link RedisClusterCommands}). Commands that cannot reach a server fail at once
 * (rejected while disconnected) or after the timeout; on a cluster, every command reads and writes
 * the slot's master, redirections are followed, and the topology is refreshed on a redirection, a
 * reconnect, and every 30 seconds.
 */
final class RedisLink<K, V> implements AutoCloseable {
  /** Redirections followed for one command: a slot that moves twice while a command is in flight. */
  private static final int MAX_REDIRECTS = 5;

  final RedisClusterCommands<K, V> sync;
  /** The same connection's commands as futures: a caller that stops waiting leaves the command running. */
  final RedisClusterAsyncCommands<K, V> async;
  private final StatefulConnection<K, V> connection;
  private final AbstractRedisClient client;
  private final boolean ownsClient;

  private RedisLink(RedisClusterCommands<K, V> sync, RedisClusterAsyncCommands<K, V> async,
      StatefulConnection<K, V> connection, AbstractRedisClient client, boolean ownsClient) {
    this.sync = sync;
    this.async = async;
    this.connection = connection;
    this.client = client;
    this.ownsClient = ownsClient;
  }

  /**
   * How long connecting (and each reconnection's handshake) may take, at least: a command's timeout
   * can be far shorter (a cache's is 200 ms), and a server slow to greet a process that is starting
   * under load must not fail its start.
   */
  private static final Duration CONNECT = Duration.ofSeconds(5);

  /**
   * Connects with a client of its own, within {@link #CONNECT} (or {@code timeout}, if longer), each
   * command then timing out after {@code timeout}; fails with a message naming the endpoint when it cannot.
   */
  static <K, V> RedisLink<K, V> open(RedisEndpoint endpoint, RedisCodec<K, V> codec, Duration timeout) {
    List<RedisURI> nodes = endpoint.nodes();
    Duration connect = timeout.compareTo(CONNECT) > 0 ? timeout : CONNECT;
    nodes.forEach(u -> u.setTimeout(connect)); // the handshake's budget; commands have TimeoutOptions' below
    AbstractRedisClient client = null;
    try {
      if (endpoint.isCluster()) {
        RedisClusterClient cluster = RedisClusterClient.create(nodes);
        client = cluster;
        cluster.setOptions(ClusterClientOptions.builder()
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(timeout))
            .maxRedirects(MAX_REDIRECTS)
            .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                .enableAllAdaptiveRefreshTriggers()
                .enablePeriodicRefresh(Duration.ofSeconds(30))
                .build())
            .build());
        StatefulRedisClusterConnection<K, V> c = cluster.connect(codec);
        c.setReadFrom(ReadFrom.UPSTREAM); // limits are never read from a replica, which may lag
        c.setTimeout(timeout);
        return new RedisLink<>(c.sync(), c.async(), c, cluster, true);
      }
      RedisClient single = RedisClient.create();
      client = single;
      single.setOptions(ClientOptions.builder()
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
          .timeoutOptions(TimeoutOptions.enabled(timeout))
          .build());
      RedisLink<K, V> link = on(single, nodes.get(0), codec, true);
      link.connection.setTimeout(timeout); // what a synchronous call waits for, as on a cluster
      return link;
    } catch (RedisException e) {
      if (client != null) {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      }
      throw new IllegalStateException("cannot connect to " + endpoint + ": " + e.getMessage()
          + "; check the Redis URI given to the store (or the cluster's seed nodes) and that the server is running", e);
    }
  }

  /** Connects through a client the caller owns and closes (its options are left alone). */
  static <K, V> RedisLink<K, V> shared(RedisClient client, RedisURI uri, RedisCodec<K, V> codec) {
    try {
      return on(client, uri, codec, false);
    } catch (RedisException e) {
      throw new IllegalStateException("cannot connect to Redis at " + uri.getHost() + ":" + uri.getPort()
          + " (database " + uri.getDatabase() + "): " + e.getMessage()
          + "; check the Redis URI given to the store's builder and that the server is running", e);
    }
  }

  private static <K, V> RedisLink<K, V> on(RedisClient client, RedisURI uri, RedisCodec<K, V> codec, boolean owns) {
    StatefulRedisConnection<K, V> c = client.connect(codec, uri);
    return new RedisLink<>(c.sync(), c.async(), c, client, owns);
  }

  @Override
  public void close() {
    connection.close();
    if (ownsClient) {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }
}
