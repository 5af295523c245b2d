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
  /** The resources of a client of its own made with a reconnect delay, shut down with it; else null. */
  private final io.lettuce.core.resource.ClientResources ownResources;
  /** Connections of this link lost so far ({@link #disconnects()}). */
  private final java.util.concurrent.atomic.LongAdder disconnects = new java.util.concurrent.atomic.LongAdder();
  private final io.lettuce.core.RedisConnectionStateListener disconnectCounter;

  private RedisLink(RedisClusterCommands<K, V> sync, RedisClusterAsyncCommands<K, V> async,
      StatefulConnection<K, V> connection, AbstractRedisClient client, boolean ownsClient,
      io.lettuce.core.resource.ClientResources ownResources) {
    this.sync = sync;
    this.async = async;
    this.connection = connection;
    this.client = client;
    this.ownsClient = ownsClient;
    this.ownResources = ownResources;
    // a client of its own has no other connections (a cluster's nodes' among them); on a shared one,
    // this connection's alone; a connection closed on purpose (a cluster's topology refresh opens and
    // closes its own) had nothing in flight to send again
    this.disconnectCounter = new io.lettuce.core.RedisConnectionStateListener() {
      @Override
      public void onRedisDisconnected(io.lettuce.core.RedisChannelHandler<?, ?> lost) {
        if ((ownsClient || lost == connection) && !lost.isClosed()) {
          disconnects.increment();
        }
      }
    };
    client.addListener(disconnectCounter);
  }

  /**
   * Connections of this link lost so far (on a cluster, any node's): a command in flight when one is
   * lost is sent again once it reconnects (Lettuce delivers at least once), so a reply read after one
   * may be that second run's.
   */
  long disconnects() {
    return disconnects.sum();
  }

  /**
   * How long connecting (and each reconnection's handshake) may take, at least: a command's timeout
   * can be far shorter (a cache's is 200 ms), and a server slow to greet a process that is starting
   * under load must not fail its start.
   */
  private static final Duration CONNECT = Duration.ofSeconds(5);
  /** The longest wait between two reconnection attempts of a link with a reconnect delay. */
  private static final Duration RECONNECT_BACKOFF_CAP = Duration.ofSeconds(2);

  /**
   * Connects with a client of its own, within {@link #CONNECT} (or {@code timeout}, if longer), each
   * command then timing out after {@code timeout}; fails with a message naming the endpoint when it cannot.
   */
  static <K, V> RedisLink<K, V> open(RedisEndpoint endpoint, RedisCodec<K, V> codec, Duration timeout) {
    return open(endpoint, codec, timeout, Duration.ZERO);
  }

  /**
   * As {@link #open(RedisEndpoint, RedisCodec, Duration)}, reconnecting no sooner than
   * {@code reconnectAfter} after a connection is lost (zero: Lettuce's default backoff). Lettuce
   * sends the commands in flight on a lost connection again once it reconnects: with a delay at least
   * a command's deadline, such a second run always comes after it.
   */
  static <K, V> RedisLink<K, V> open(RedisEndpoint endpoint, RedisCodec<K, V> codec, Duration timeout,
      Duration reconnectAfter) {
    // from reconnectAfter, doubling up to 2 s (or reconnectAfter, if longer) through a long outage
    io.lettuce.core.resource.ClientResources resources = reconnectAfter.isZero() ? null
        : io.lettuce.core.resource.DefaultClientResources.builder().reconnectDelay(reconnectDelay(reconnectAfter)).build();
    try {
      return open(endpoint, codec, timeout, resources);
    } catch (RuntimeException e) {
      if (resources != null) {
        resources.shutdown(0, 2, java.util.concurrent.TimeUnit.SECONDS);
      }
      throw e;
    }
  }

  /** From {@code first}, doubling up to {@link #RECONNECT_BACKOFF_CAP} (or {@code first} alone, when longer). */
  static io.lettuce.core.resource.Delay reconnectDelay(Duration first) {
    return first.compareTo(RECONNECT_BACKOFF_CAP) >= 0 ? io.lettuce.core.resource.Delay.constant(first)
        : io.lettuce.core.resource.Delay.exponential(first, RECONNECT_BACKOFF_CAP, 2,
            java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  private static <K, V> RedisLink<K, V> open(RedisEndpoint endpoint, RedisCodec<K, V> codec, Duration timeout,
      io.lettuce.core.resource.ClientResources resources) {
    List<RedisURI> nodes = endpoint.nodes();
    Duration connect = timeout.compareTo(CONNECT) > 0 ? timeout : CONNECT;
    nodes.forEach(u -> u.setTimeout(connect)); // the handshake's budget; commands have TimeoutOptions' below
    AbstractRedisClient client = null;
    try {
      if (endpoint.isCluster()) {
        RedisClusterClient cluster = resources == null ? RedisClusterClient.create(nodes)
            : RedisClusterClient.create(resources, nodes);
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
        return new RedisLink<>(c.sync(), c.async(), c, cluster, true, resources);
      }
      RedisClient single = resources == null ? RedisClient.create() : RedisClient.create(resources);
      client = single;
      single.setOptions(ClientOptions.builder()
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
          .timeoutOptions(TimeoutOptions.enabled(timeout))
          .build());
      StatefulRedisConnection<K, V> c = single.connect(codec, nodes.get(0));
      RedisLink<K, V> link = new RedisLink<>(c.sync(), c.async(), c, single, true, resources);
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

  /**
   * Connects on the event loops, timer and options of a client the caller owns and closes, with a
   * client of the link's own (closed with it) that reconnects no sooner than {@code reconnectAfter}:
   * the caller's client keeps its own reconnection for its other uses.
   */
  static <K, V> RedisLink<K, V> sharing(RedisClient client, RedisURI uri, RedisCodec<K, V> codec,
      Duration reconnectAfter) {
    io.lettuce.core.resource.ClientResources resources = client.getResources().mutate() // the same parts, shared
        .reconnectDelay(reconnectDelay(reconnectAfter)).build();
    RedisClient own = RedisClient.create(resources);
    try {
      own.setOptions(client.getOptions()); // as the application connects (TLS, protocol, timeouts)
      StatefulRedisConnection<K, V> c = own.connect(codec, uri);
      // the resources' parts are the application's: shutting them down would stop its client too
      return new RedisLink<>(c.sync(), c.async(), c, own, true, null);
    } catch (RedisException e) {
      own.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      throw new IllegalStateException("cannot connect to Redis at " + uri.getHost() + ":" + uri.getPort()
          + " (database " + uri.getDatabase() + "): " + e.getMessage()
          + "; check the Redis URI given to the store's builder and that the server is running", e);
    }
  }

  @Override
  public void close() {
    client.removeListener(disconnectCounter);
    connection.close();
    if (ownsClient) {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
    if (ownResources != null) { // a client does not shut down resources it was given
      ownResources.shutdown(0, 2, java.util.concurrent.TimeUnit.SECONDS);
    }
  }
}
