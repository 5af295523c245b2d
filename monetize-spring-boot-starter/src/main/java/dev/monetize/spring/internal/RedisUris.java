package dev.monetize.spring.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/** Where a Spring Data Redis connection factory talks to, as the Redis stores take it. */
public final class RedisUris {
  private RedisUris() {}

  /**
   * The factory's standalone server or cluster ({@code spring.data.redis.cluster.nodes}); a
   * Sentinel set-up is refused with what to do instead.
   */
  public static dev.monetize.redis.RedisEndpoint endpoint(LettuceConnectionFactory factory) {
    if (factory.getSentinelConfiguration() != null) {
      throw new IllegalStateException("the application's Redis is behind Sentinel, which the starter does not "
          + "connect to: define LimiterStore, ResponseCache and ShieldStore beans, or set monetize.use-redis=false");
    }
    org.springframework.data.redis.connection.RedisClusterConfiguration cluster = factory.getClusterConfiguration();
    if (cluster == null) {
      return dev.monetize.redis.RedisEndpoint.of(of(factory));
    }
    java.util.List<String> nodes = new java.util.ArrayList<>();
    for (org.springframework.data.redis.connection.RedisNode n : cluster.getClusterNodes()) {
      StringBuilder uri = new StringBuilder(factory.isUseSsl() ? "rediss://" : "redis://");
      credentials(uri, cluster.getUsername(), cluster.getPassword());
      String host = n.getHost();
      uri.append(host.contains(":") ? "[" + host + "]" : host).append(':').append(n.getPort());
      nodes.add(uri.toString());
    }
    return dev.monetize.redis.RedisEndpoint.cluster(String.join(",", nodes));
  }

  private static void credentials(StringBuilder uri, String username, RedisPassword password) {
    if (password.isPresent()) {
      if (username != null) {
        uri.append(encode(username));
      }
      uri.append(':').append(encode(new String(password.get()))).append('@');
    }
  }

  /** {@code redis[s]://[[user]:password@]host:port/database} of {@code factory}'s standalone server. */
  public static String of(LettuceConnectionFactory factory) {
    RedisStandaloneConfiguration c = factory.getStandaloneConfiguration();
    StringBuilder uri = new StringBuilder(factory.isUseSsl() ? "rediss://" : "redis://");
    credentials(uri, c.getUsername(), c.getPassword());
    String host = c.getHostName();
    uri.append(host.contains(":") ? "[" + host + "]" : host).append(':').append(c.getPort()).append('/')
        .append(c.getDatabase());
    return uri.toString();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
