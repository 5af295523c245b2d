package dev.monetize.redis;

import io.lettuce.core.RedisURI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where the Redis stores connect: one server ({@link #of}) or a Redis Cluster given by seed nodes
 * ({@link #cluster}). The three stores ({@link RedisLimiterStore}, {@link RedisResponseCache},
 * {@link RedisShieldStore}) take either; on a cluster every command goes to the master that owns
 * its slot (never to a replica), follows {@code MOVED} and {@code ASK} redirections, and refreshes
 * the topology when the cluster says it changed and every 30 seconds.
 *
 * <pre>{@code
 * RedisEndpoint single = RedisEndpoint.of("redis://127.0.0.1:6379/0");
 * RedisEndpoint cluster = RedisEndpoint.cluster("127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002");
 * RedisLimiterStore store = RedisLimiterStore.builder().endpoint(cluster).build();
 * }</pre>
 */
public final class RedisEndpoint {
  private final List<RedisURI> nodes;
  private final boolean cluster;

  private RedisEndpoint(List<RedisURI> nodes, boolean cluster) {
    this.nodes = List.copyOf(nodes);
    this.cluster = cluster;
  }

  /** One server, e.g. {@code redis://127.0.0.1:6379/0} (the path is the database index). */
  public static RedisEndpoint of(String uri) {
    Objects.requireNonNull(uri, "uri");
    try {
      return new RedisEndpoint(List.of(RedisURI.create(uri.trim())), false);
    } catch (IllegalArgumentException e) {
      // the URI may hold a password, and so may the parser's message: neither is repeated
      throw new IllegalArgumentException("not a Redis URI (expected e.g. redis://127.0.0.1:6379/0 or "
          + "redis://:password@host:6379/0)", e);
    }
  }

  /**
   * A Redis Cluster, from a comma-separated list of seed nodes, each {@code host:port} or a
   * {@code redis://} URI (e.g. {@code 127.0.0.1:7000,127.0.0.1:7001}); one reachable seed is
   * enough, the rest of the topology is discovered.
   */
  public static RedisEndpoint cluster(String seedNodes) {
    Objects.requireNonNull(seedNodes, "seedNodes");
    List<RedisURI> nodes = new ArrayList<>();
    for (String part : seedNodes.split(",")) {
      String node = part.trim();
      if (node.isEmpty()) {
        continue;
      }
      nodes.add(node.contains("://") ? of(node).nodes.get(0) : hostPort(node));
    }
    if (nodes.isEmpty()) {
      throw new IllegalArgumentException("no Redis Cluster node given in '" + seedNodes
          + "' (expected e.g. 127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002)");
    }
    return new RedisEndpoint(nodes, true);
  }

  private static RedisURI hostPort(String node) {
    int colon = node.lastIndexOf(':');
    String host = colon > 0 ? node.substring(0, colon) : "";
    int port = -1;
    try {
      port = colon > 0 ? Integer.parseInt(node.substring(colon + 1)) : -1;
    } catch (NumberFormatException e) {
      // reported below
    }
    if (host.isEmpty() || port < 1 || port > 65535) {
      throw new IllegalArgumentException("not a Redis Cluster node: '" + node + "' (expected host:port, e.g. 127.0.0.1:7000)");
    }
    return RedisURI.create(host.startsWith("[") ? host.substring(1, host.length() - 1) : host, port);
  }

  /** Whether this is a Redis Cluster. */
  public boolean isCluster() {
    return cluster;
  }

  /** The server, or the seed nodes of the cluster (copies: Lettuce's URIs are mutable). */
  List<RedisURI> nodes() {
    List<RedisURI> copies = new ArrayList<>(nodes.size());
    for (RedisURI u : nodes) {
      copies.add(RedisURI.builder(u).build());
    }
    return copies;
  }

  /** The nodes, as a message may name them. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(cluster ? "Redis Cluster " : "Redis ");
    for (int i = 0; i < nodes.size(); i++) {
      RedisURI u = nodes.get(i);
      s.append(i == 0 ? "" : ",").append(u.getHost()).append(':').append(u.getPort());
      if (!cluster && u.getDatabase() != 0) {
        s.append(" (database ").append(u.getDatabase()).append(')');
      }
    }
    return s.toString();
  }
}
