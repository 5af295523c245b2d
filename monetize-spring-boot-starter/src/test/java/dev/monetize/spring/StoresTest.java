package dev.monetize.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.app.TestApplication;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.monetize.Monetize;
import dev.monetize.audit.AuditSink;
import dev.monetize.billing.BillingHistory;
import dev.monetize.keys.KeyStore;
import dev.monetize.limits.LimiterStore;
import dev.monetize.metering.UsageSink;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.Customer;
import dev.monetize.postgres.PostgresAuditStore;
import dev.monetize.postgres.PostgresStore;
import dev.monetize.postgres.PostgresUsageLedger;
import dev.monetize.redis.RedisLimiterStore;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The application's own Redis (a server of the test's, so that it can be stopped) and PostgreSQL
 * {@code DataSource} become Monetize's stores; Actuator's health turns DOWN when Redis stops.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"monetize.environment=test", "management.endpoint.health.show-details=always",
        "management.endpoints.web.exposure.include=health", "spring.data.redis.timeout=2s",
        "monetize.redis-command-timeout=2s", // a busy test machine connects slowly
        "management.health.redis.enabled=false"}) // the monetize component alone says what Monetize sees
class StoresTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Servers.OwnRedis redis;
  private static String jdbc;

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) throws Exception {
    Servers.require("PostgreSQL", 5432);
    redis = new Servers.OwnRedis();
    registry.add("spring.data.redis.host", () -> "127.0.0.1");
    registry.add("spring.data.redis.port", () -> redis.port);
    jdbc = dev.monetize.postgres.PostgresTestSupport.freshSchema(); // a schema of its own, dropped after
    registry.add("spring.datasource.url", () -> jdbc);
    registry.add("monetize.redis-key-prefix", () -> "monetize-spring-test:" + UUID.randomUUID() + ":");
  }

  @AfterAll
  static void stopServers() throws Exception {
    if (redis != null) {
      redis.close();
    }
    if (jdbc != null) {
      dev.monetize.postgres.PostgresTestSupport.drop(jdbc); // best effort: idle pooled connections lock nothing
    }
  }

  @LocalServerPort
  int port;
  @Autowired
  Monetize monetize;
  @Autowired
  LimiterStore limiterStore;
  @Autowired
  KeyStore keyStore;
  @Autowired
  UsageSink usageSink;
  @Autowired
  BillingHistory billingHistory;
  @Autowired
  AuditSink auditSink;

  @Test
  void theApplicationsRedisAndDataSourceKeepMonetizesStateAndHealthFollowsRedis() throws Exception {
    assertThat(limiterStore).isInstanceOf(RedisLimiterStore.class);
    assertThat(keyStore).isInstanceOf(PostgresStore.class);
    assertThat(usageSink).isInstanceOf(PostgresUsageLedger.class);
    assertThat(auditSink).isInstanceOf(PostgresAuditStore.class);
    assertThat(billingHistory.getClass().getSimpleName()).isEqualTo("PostgresBillingHistory");

    String customer = "spring-" + UUID.randomUUID();
    monetize.customers().save(new Customer(customer, "pro", BillingAnchor.DEFAULT, customer));
    String key = monetize.keys().issue(customer, Set.of("hello:read")).secret();
    HttpResponse<String> hello = Http.get(port, "/v1/hello", key);
    assertThat(hello.statusCode()).isEqualTo(200);
    assertThat(keyStore.list(customer, java.util.Optional.empty(), java.util.Optional.empty(), 10)).hasSize(1); // in PostgreSQL
    assertThat(health().get("status").asText()).isEqualTo("UP");

    redis.stop();

    // a result is answered for two seconds: the next check finds Redis gone
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> health().get("status").asText().equals("DOWN"));
    assertThat(health().at("/details/limiterStore").asText()).startsWith("unreachable");
  }

  private com.fasterxml.jackson.databind.JsonNode health() throws Exception {
    return JSON.readTree(Http.get(port, "/actuator/health", null).body()).at("/components/monetize");
  }
}
