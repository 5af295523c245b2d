package dev.monetize.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.app.TestApplication;
import dev.monetize.Monetize;
import dev.monetize.limits.LimiterStore;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.Customer;
import dev.monetize.postgres.PostgresCredits;
import java.math.BigDecimal;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The application's {@code DataSource} without Redis: limits in memory, prepaid balances in
 * PostgreSQL, where they outlive the application.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"monetize.environment=test", "monetize.use-redis=false",
        "spring.autoconfigure.exclude=org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration"})
class PostgresWithoutRedisTest {
  private static String jdbc;

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) {
    Servers.require("PostgreSQL", 5432);
    jdbc = dev.monetize.postgres.PostgresTestSupport.freshSchema();
    registry.add("spring.datasource.url", () -> jdbc);
  }

  @AfterAll
  static void dropSchema() {
    if (jdbc != null) {
      dev.monetize.postgres.PostgresTestSupport.drop(jdbc);
    }
  }

  @Autowired
  LimiterStore limiterStore;
  @Autowired
  Monetize monetize;
  @Autowired
  javax.sql.DataSource dataSource;

  @Test
  void prepaidBalancesAreKeptInPostgresql() {
    assertThat(limiterStore).isInstanceOf(PostgresCredits.class);
    String customer = "spring-" + UUID.randomUUID();
    monetize.customers().save(new Customer(customer, "pro", BillingAnchor.DEFAULT, customer));
    monetize.wallet().topUp(customer, new BigDecimal("12.50"), "order-1", "");

    // what another process on the database (or this one after a restart) reads
    LimiterStore restarted = PostgresCredits.over(LimiterStore.inMemory(), dataSource);
    assertThat(restarted.credits("{" + customer + "}:credits")).isEqualTo(12_500_000L);
    assertThat(monetize.wallet().balance(customer)).isEqualByComparingTo("12.50");
  }
}
