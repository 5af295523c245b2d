package dev.monetize.examples.analytics.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;

import static dev.monetize.examples.analytics.ExternalServers.count;

import dev.monetize.examples.analytics.ExampleProcess;
import dev.monetize.examples.analytics.ExternalServers;
import dev.monetize.postgres.PostgresTestSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The JAX-RS example honours the examples' environment as the servlet example does: with
 * {@code MONETIZE_JDBC_URL} its organizations, keys, usage ledger and events are in PostgreSQL, and
 * with {@code MONETIZE_REDIS_URL} its limits are on Redis (a malformed one stops the start, named).
 */
class ExternalStoresTest {
  private String url;

  @BeforeEach
  void stores() {
    url = PostgresTestSupport.freshSchema(); // skips without PostgreSQL, fails on CI
    ExternalServers.requireRedis();
  }

  @AfterEach
  void drop() {
    if (url != null) {
      PostgresTestSupport.drop(url);
    }
  }

  @Test
  void postgresAndRedisFromTheEnvironment() throws Exception {
    Map<String, String> env = Map.of("PORT", "0", "MONETIZE_JDBC_URL", url, "MONETIZE_REDIS_URL",
        "redis://127.0.0.1:6379/0");
    try (ExampleProcess p = ExampleProcess.start(AnalyticsJaxrsServer.class, env)) {
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> posted = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + p.port() + "/v1/events")).header("X-API-Key", p.demoKey("pro"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("[{\"type\":\"page_view\",\"user_id\":\"u1\"}]")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
      HttpResponse<String> summary = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + p.port() + "/v1/stats/summary")).header("X-API-Key", p.demoKey("pro"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(summary.statusCode()).isEqualTo(200);
      assertThat(summary.headers().firstValue("RateLimit")).isPresent();
      p.stop(); // SIGTERM: the shutdown hook flushes usage to the ledger
      try (Connection c = DriverManager.getConnection(url)) {
        assertThat(count(c, "SELECT count(*) FROM monetize_api_keys")).as("the customers' demo keys").isEqualTo(3);
        assertThat(count(c, "SELECT count(*) FROM monetize_organizations")).isGreaterThanOrEqualTo(3);
        assertThat(count(c, "SELECT coalesce(sum(calls), 0) FROM monetize_usage")).as("usage in the ledger")
            .isGreaterThanOrEqualTo(2);
      }
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ExampleProcess.start(AnalyticsJaxrsServer.class,
        Map.of("PORT", "0", "MONETIZE_REDIS_URL", "redis://127.0.0.1:6379/0", "MONETIZE_REDIS_CLUSTER_NODES",
            "127.0.0.1:7000"))).hasMessageContaining("exited before listening")
        .hasMessageContaining("cannot start: set MONETIZE_REDIS_URL (one server) or MONETIZE_REDIS_CLUSTER_NODES");
  }
}
