package dev.monetize.examples.analytics.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.monetize.examples.analytics.AnalyticsServer;
import dev.monetize.limits.LimitRequest;
import dev.monetize.limits.LimitVerdict;
import dev.monetize.limits.LimiterStore;
import dev.monetize.limits.LimiterUnavailableException;
import dev.monetize.limits.PolicyState;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * OWASP API10: what the service consumes (its stores) is not trusted blindly: a store that fails or
 * times out is answered as a documented problem with Retry-After, never a stack trace or its message.
 */
class Api10UnsafeConsumptionOfApisTest {
  /** A limiter store whose backend is down (what a Redis time-out becomes). */
  private static final class DownStore implements LimiterStore {
    @Override
    public LimitVerdict acquire(List<LimitRequest> requests, long nowNanos) {
      throw new LimiterUnavailableException("redis://10.1.2.3:6379 timed out after 200 ms", null);
    }

    @Override
    public List<PolicyState> peek(List<LimitRequest> requests, long nowNanos) {
      throw new LimiterUnavailableException("redis://10.1.2.3:6379 timed out after 200 ms", null);
    }

    @Override
    public void release(List<LimitRequest> requests, LimitVerdict verdict) {}

    @Override
    public dev.monetize.limits.CreditEntry applyCredits(String key, String entryId, long delta) {
      throw new LimiterUnavailableException("redis://10.1.2.3:6379 timed out after 200 ms", null);
    }

    @Override
    public long credits(String key) {
      throw new LimiterUnavailableException("redis://10.1.2.3:6379 timed out after 200 ms", null);
    }
  }

  @Test
  void aFailingStoreIsAnsweredWithoutItsInternals() throws Exception {
    AnalyticsServer s = AnalyticsServer.builder().port(0).limiterStore(new DownStore()).start();
    try (ExampleUnderTest app = new ExampleUnderTest("http://127.0.0.1:" + s.port(), s.demoKeys(), s.monetize(),
        s::close)) {
      for (String path : new String[] {"/v1/stats/summary", "/monetize/usage"}) {
        ExampleUnderTest.Answer a = app.send("GET", path, "X-API-Key", s.demoKeys().get("pro"), null);
        assertThat(a.status()).as(path).isIn(503, 500);
        assertThat(a.body()).doesNotContain("10.1.2.3").doesNotContain("redis").doesNotContain("Exception");
      }
    }
  }
}
