package dev.monetize.examples.analytics.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.examples.analytics.PostgresEventStore;
import dev.monetize.examples.analytics.domain.EventStore;
import dev.monetize.keys.KeyStore;
import dev.monetize.limits.LimiterStore;
import dev.monetize.postgres.PostgresStore;
import dev.monetize.redis.RedisLimiterStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code MONETIZE_REDIS_URL}, {@code MONETIZE_JDBC_URL} and {@code MONETIZE_DATA_DIR} put the
 * example's state where the other examples put it, through the starter's use of Spring's Redis and
 * {@code DataSource}.
 */
class ExternalStoresTest {
  private static void require(String what, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
    } catch (IOException e) {
      String message = what + " is not reachable at 127.0.0.1:" + port;
      if ("true".equals(System.getenv("CI"))) {
        Assertions.fail(message + ". CI=true: this test must run.");
      }
      Assumptions.abort(message);
    }
  }

  @Test
  void redisPostgresAndTheJournalFromTheEnvironment() throws Exception {
    require("Redis", 6379);
    require("PostgreSQL", 5432);
    Path journal = Files.createTempDirectory("analytics-spring-journal");
    String jdbc = dev.monetize.postgres.PostgresTestSupport.freshSchema(); // a schema of its own, dropped after
    try (AnalyticsSpringServer app = AnalyticsSpringServer.builder().port(0).environment(Map.of(
        "MONETIZE_REDIS_URL", "redis://127.0.0.1:6379/0",
        "MONETIZE_JDBC_URL", jdbc,
        "MONETIZE_DATA_DIR", journal.toString())).start()) {
      var context = app.context();
      assertThat(context.getBean(LimiterStore.class)).isInstanceOf(RedisLimiterStore.class);
      assertThat(context.getBean(KeyStore.class)).isInstanceOf(PostgresStore.class);
      assertThat(context.getBean(EventStore.class)).isInstanceOf(PostgresEventStore.class);

      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + app.port() + "/v1/stats/summary"))
          .header("Authorization", "Bearer " + app.demoKeys().get("pro")).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(r.statusCode()).isEqualTo(200);
      try (var files = Files.list(journal)) {
        assertThat(files).isNotEmpty(); // the usage journal is on disk
      }
    } finally {
      dev.monetize.postgres.PostgresTestSupport.drop(jdbc);
    }
  }

  @Test
  void aRedisClusterFromTheEnvironment() throws Exception {
    dev.monetize.testkit.LocalRedisCluster cluster = dev.monetize.testkit.LocalRedisCluster.shared();
    try (AnalyticsSpringServer app = AnalyticsSpringServer.builder().port(0).environment(Map.of(
        "MONETIZE_REDIS_CLUSTER_NODES", cluster.seedNodes())).start()) {
      var context = app.context();
      assertThat(context.getBean(LimiterStore.class)).isInstanceOf(RedisLimiterStore.class);
      assertThat(context.getBean(dev.monetize.cache.ResponseCache.class))
          .isInstanceOf(dev.monetize.redis.RedisResponseCache.class);
      long keysBefore = cluster.ports().stream().mapToLong(cluster::keysOn).sum();
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + app.port() + "/v1/stats/summary"))
          .header("Authorization", "Bearer " + app.demoKeys().get("pro")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      // the customer's limits and the cached answer were written to the cluster
      assertThat(cluster.ports().stream().mapToLong(cluster::keysOn).sum()).isGreaterThan(keysBefore);
    }
  }
}
