package dev.monetize.examples.analytics;

import dev.monetize.testkit.Concurrently;
import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.config.CatalogLoader;
import dev.monetize.plans.Catalog;
import dev.monetize.redis.RedisLimiterStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two instances of the example (as two processes would be) share one Redis: their plans limit per
 * customer, so together they admit exactly the customer's quota, whichever instance is called.
 */
class SharedRedisQuotaTest {
  private static final String REDIS = "redis://127.0.0.1:6379/0";
  private static final int QUOTA = 37;
  private static final String PLANS = """
      plans:
        free:
          rate: { count: 100000, period: 1s, burst: 100000 }
          quotas: [ { limit: %d, window: day } ]
      operations:
        - { id: stats.summary, method: GET, path: /v1/stats/summary, scope: "stats:read" }
      """.formatted(QUOTA);

  private final String prefix = "monetize-test:" + UUID.randomUUID() + ":";
  private final List<AnalyticsServer> servers = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void requireRedis() {
    ExternalServers.requireRedis();
  }

  @AfterEach
  void stop() {
    servers.forEach(AnalyticsServer::close);
    RedisClient client = RedisClient.create(REDIS);
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      List<String> keys = c.sync().keys(prefix + "*");
      if (!keys.isEmpty()) {
        c.sync().del(keys.toArray(String[]::new));
      }
    } finally {
      client.shutdown();
    }
  }

  private AnalyticsServer start() throws Exception {
    Catalog catalog = CatalogLoader.parse("shared.yaml", PLANS);
    AnalyticsServer s = AnalyticsServer.builder().port(0).catalog(catalog)
        .limiterStore(RedisLimiterStore.builder().uri(REDIS).keyPrefix(prefix)
            .commandTimeout(java.time.Duration.ofSeconds(5)).build())
        .start();
    servers.add(s);
    return s;
  }

  private AnalyticsServer startWithSharedCache() throws Exception {
    dev.monetize.redis.RedisResponseCache cache = dev.monetize.redis.RedisResponseCache.connect(REDIS, prefix);
    AnalyticsServer s = AnalyticsServer.builder().port(0).responseCache(cache).closeOnStop(cache).start();
    servers.add(s);
    return s;
  }

  private HttpResponse<String> call(AnalyticsServer s, String method, String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
        .header("Authorization", "Bearer " + s.demoKeys().get("pro"))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void twoInstancesShareCachedAnswersAndEachOthersInvalidations() throws Exception {
    AnalyticsServer a = startWithSharedCache();
    AnalyticsServer b = startWithSharedCache();
    assertThat(call(a, "GET", "/v1/stats/summary", null).headers().firstValue("Cache-Status"))
        .contains("monetize; fwd=miss; stored");
    HttpResponse<String> fromA = call(b, "GET", "/v1/stats/summary", null); // the same tenant on the other node
    assertThat(fromA.headers().firstValue("Cache-Status")).contains("monetize; hit");
    assertThat(call(b, "POST", "/v1/events", "[{\"type\":\"click\"}]").statusCode()).isEqualTo(202);
    assertThat(call(a, "GET", "/v1/stats/summary", null).headers().firstValue("Cache-Status"))
        .contains("monetize; fwd=miss; stored"); // invalidated on b, seen on a at once
  }

  @Test
  void twoInstancesEnforceOneQuotaTogetherExactly() throws Exception {
    AnalyticsServer a = start();
    AnalyticsServer b = start();
    List<int[]> results = Concurrently.call(8, t -> {
      AnalyticsServer target = t % 2 == 0 ? a : b;
      int answered = 0;
      int refusedHere = 0;
      for (int i = 0; i < 10; i++) {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target.port() + "/v1/stats/summary"))
            .header("Authorization", "Bearer " + target.demoKeys().get("free")).build();
        int status = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status == 200) {
          answered++;
        } else if (status == 429) {
          refusedHere++;
        }
      }
      return new int[] {answered, refusedHere};
    });
    int ok = results.stream().mapToInt(r -> r[0]).sum();
    int refused = results.stream().mapToInt(r -> r[1]).sum();
    assertThat(ok).isEqualTo(QUOTA);
    assertThat(refused).isEqualTo(80 - QUOTA);
  }
}
