package dev.monetize.spring.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/** The {@code redis://} URI of the server a Spring Data Redis connection factory talks to. */
public final class RedisUris {
  private RedisUris() {}

  /** {@code redis[s]://[[user]:password@]host:port/database} of {@code factory}'s standalone server. */
  public static String of(LettuceConnectionFactory factory) {
    RedisStandaloneConfiguration c = factory.getStandaloneConfiguration();
    StringBuilder uri = new StringBuilder(factory.isUseSsl() ? "rediss://" : "redis://");
    RedisPassword password = c.getPassword();
    if (password.isPresent()) {
      if (c.getUsername() != null) {
        uri.append(encode(c.getUsername()));
      }
      uri.append(':').append(encode(new String(password.get()))).append('@');
    }
    String host = c.getHostName();
    uri.append(host.contains(":") ? "[" + host + "]" : host).append(':').append(c.getPort()).append('/')
        .append(c.getDatabase());
    return uri.toString();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
