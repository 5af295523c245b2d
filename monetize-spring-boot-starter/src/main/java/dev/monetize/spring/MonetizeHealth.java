package dev.monetize.spring;

import dev.monetize.Monetize;
import dev.monetize.MetricsSnapshot;
import dev.monetize.limits.FailoverLimiterStore;
import dev.monetize.limits.LimitRequest;
import dev.monetize.limits.LimiterStore;
import dev.monetize.limits.RatePolicy;
import dev.monetize.plans.Rate;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The engine's health: DOWN when the limiter store does not answer (checked with a read that
 * charges nothing), when usage has waited for its sink longer than allowed, or when audit events
 * were dropped since the last check. The details say which, with the counters behind it.
 */
public final class MonetizeHealth implements HealthIndicator {
  /** A limit no request uses: reading it tells whether the store answers. */
  private static final List<LimitRequest> PROBE = List.of(new LimitRequest("{monetize-health}:probe",
      new RatePolicy("health", Rate.perSecond(1)), 1));

  private final Monetize monetize;
  private final LimiterStore store;
  private final Duration maxDeliveryAge;
  private long auditDroppedSeen;

  /**
   * @param store the limiter store to probe (null: the in-memory default, which always answers)
   * @param maxDeliveryAge how long usage may wait for its sink
   */
  public MonetizeHealth(Monetize monetize, LimiterStore store, Duration maxDeliveryAge) {
    this.monetize = monetize;
    this.store = store;
    this.maxDeliveryAge = maxDeliveryAge;
    this.auditDroppedSeen = monetize.metrics().auditEventsDropped();
  }

  @Override
  public synchronized Health health() {
    Health.Builder h = Health.up();
    String storeState = limiterStore();
    h.withDetail("limiterStore", storeState);
    if (!"up".equals(storeState)) {
      h.down();
    }
    MetricsSnapshot m = monetize.metrics();
    h.withDetail("usagePending", m.usagePending()).withDetail("usageDeliveryAgeMillis", m.usageDeliveryAgeMillis())
        .withDetail("usageSinkFailures", m.usageSinkFailures());
    if (m.usagePending() > 0 && m.usageDeliveryAgeMillis() > maxDeliveryAge.toMillis()) {
      h.down().withDetail("usageDelivery", "usage has waited more than " + maxDeliveryAge + " for its sink");
    }
    h.withDetail("auditQueued", m.auditQueued()).withDetail("auditEventsDropped", m.auditEventsDropped())
        .withDetail("auditSinkFailures", m.auditSinkFailures());
    if (m.auditEventsDropped() > auditDroppedSeen) {
      h.down().withDetail("audit", (m.auditEventsDropped() - auditDroppedSeen) + " events dropped since the last check");
    }
    auditDroppedSeen = m.auditEventsDropped();
    return h.build();
  }

  private String limiterStore() {
    if (store == null) {
      return "up";
    }
    try {
      store.peek(PROBE, System.currentTimeMillis() * 1_000_000L);
    } catch (RuntimeException e) {
      return "unreachable: " + e.getClass().getSimpleName();
    }
    boolean unreachable = store instanceof FailoverLimiterStore f ? f.unreachable() : redisUnreachable(store);
    return unreachable ? "unreachable (decisions fall back)" : "up";
  }

  private static boolean redisUnreachable(LimiterStore store) {
    try {
      return store instanceof dev.monetize.redis.RedisLimiterStore r && r.unreachable();
    } catch (NoClassDefFoundError e) { // monetize-redis is optional
      return false;
    }
  }
}
