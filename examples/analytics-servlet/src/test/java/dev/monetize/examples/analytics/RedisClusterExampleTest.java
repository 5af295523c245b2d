package dev.monetize.examples.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.monetize.testkit.LocalRedisCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The example started as users start it, twice, with {@code MONETIZE_REDIS_CLUSTER_NODES}: both
 * processes count one customer's daily quota on a real Redis Cluster, whichever is called.
 */
class RedisClusterExampleTest {
  private static final Pattern DAILY = Pattern.compile("\"name\":\"daily\"[^}]*\"remaining\":(\\d+)");
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void twoProcessesOnTheClusterCountOneQuota() throws Exception {
    LocalRedisCluster cluster = LocalRedisCluster.shared();
    Map<String, String> env = Map.of("PORT", "0", "MONETIZE_REDIS_CLUSTER_NODES", cluster.seedNodes());
    try (ExampleProcess a = ExampleProcess.start(AnalyticsServer.class, env);
        ExampleProcess b = ExampleProcess.start(AnalyticsServer.class, env)) {
      long first = dailyRemaining(a);
      assertThat(dailyRemaining(b)).isEqualTo(first - 1);
      assertThat(dailyRemaining(a)).isEqualTo(first - 2);
      assertThat(dailyRemaining(b)).isEqualTo(first - 3);
    }
  }

  @Test
  void oneServerOrACluster() {
    assertThatThrownBy(() -> DemoStores.redisEndpoint(Map.of("MONETIZE_REDIS_URL", "redis://127.0.0.1:6379/0",
        "MONETIZE_REDIS_CLUSTER_NODES", "127.0.0.1:7000"))).hasMessageContaining("not both");
    assertThatThrownBy(() -> DemoStores.redisEndpoint(Map.of("MONETIZE_REDIS_CLUSTER_NODES", "7000")))
        .hasMessageStartingWith("MONETIZE_REDIS_CLUSTER_NODES: ").hasMessageContaining("host:port");
    assertThat(DemoStores.redisEndpoint(Map.of("MONETIZE_REDIS_CLUSTER_NODES", "127.0.0.1:7000, 127.0.0.1:7001"))
        .orElseThrow().isCluster()).isTrue();
    assertThat(DemoStores.redisEndpoint(Map.of("MONETIZE_REDIS_URL", " "))).isEmpty();
  }

  /** Calls the summary on {@code p} with the free demo key, then reads what remains of its daily quota. */
  private long dailyRemaining(ExampleProcess p) throws Exception {
    HttpResponse<String> r = send(p, "/v1/stats/summary");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    HttpResponse<String> usage = send(p, "/monetize/usage");
    Matcher m = DAILY.matcher(usage.body());
    assertThat(m.find()).as(usage.body()).isTrue();
    return Long.parseLong(m.group(1));
  }

  private HttpResponse<String> send(ExampleProcess p, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.port() + path))
        .header("Authorization", "Bearer " + p.demoKey("free")).build(), HttpResponse.BodyHandlers.ofString());
  }
}
