package dev.monetize.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.app.TestApplication;
import dev.monetize.Monetize;
import dev.monetize.limits.LimitRequest;
import dev.monetize.limits.LimitVerdict;
import dev.monetize.limits.LimiterStore;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.Customer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

/** A bean of the application's own replaces the starter's default for that SPI. */
@SpringBootTest(classes = {TestApplication.class, OwnBeanTest.OwnStore.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"monetize.environment=test", "monetize.use-data-source=false",
        "spring.autoconfigure.exclude=org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration"})
class OwnBeanTest {
  /** The application's limiter store: the in-memory one, counted. */
  @TestConfiguration
  static class OwnStore {
    final AtomicInteger calls = new AtomicInteger();

    @Bean
    LimiterStore countingStore() {
      LimiterStore memory = LimiterStore.inMemory();
      return new LimiterStore() {
        @Override
        public LimitVerdict acquire(List<LimitRequest> requests, long now) {
          calls.incrementAndGet();
          return memory.acquire(requests, now);
        }

        @Override
        public List<dev.monetize.limits.PolicyState> peek(List<LimitRequest> requests, long now) {
          return memory.peek(requests, now);
        }

        @Override
        public void release(List<LimitRequest> requests, LimitVerdict verdict) {
          memory.release(requests, verdict);
        }

        @Override
        public dev.monetize.limits.CreditEntry applyCredits(String key, String entryId, long delta) {
          return memory.applyCredits(key, entryId, delta);
        }

        @Override
        public long credits(String key) {
          return memory.credits(key);
        }
      };
    }
  }

  @LocalServerPort
  int port;
  @Autowired
  Monetize monetize;
  @Autowired
  OwnStore own;
  @Autowired
  List<LimiterStore> stores;

  @Test
  void theApplicationsLimiterStoreIsTheOneUsedEvenWithRedisOnTheClassPath() throws Exception {
    monetize.customers().save(new Customer("own", "pro", BillingAnchor.DEFAULT, "own"));
    String key = monetize.keys().issue("own", Set.of("hello:read")).secret();

    assertThat(Http.get(port, "/v1/hello", key).statusCode()).isEqualTo(200);

    assertThat(own.calls.get()).isEqualTo(1);
    assertThat(stores).hasSize(1); // the starter's Redis store stepped aside
  }
}
