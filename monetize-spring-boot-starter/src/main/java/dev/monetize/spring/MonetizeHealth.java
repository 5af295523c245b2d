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
 * were dropped within the last minute. The details say which, with the counters behind it. A result
 * is answered for two seconds, and one check runs at a time.
 */
public final class MonetizeHealth implements HealthIndicator {
  /** A limit no request uses: reading it tells whether the store answers. */
  private static final List<LimitRequest> PROBE = List.of(new LimitRequest("{monetize-health}:probe",
      new RatePolicy("health", Rate.perSecond(1)), 1));

  /** How long a result is answered again: probes from load balancers do not each cost a store round trip. */
  private static final long CACHE_NANOS = 2_000_000_000L;
  /** How long audit drops keep the component DOWN after they were last seen. */
  private static final long DROPS_WINDOW_NANOS = 60_000_000_000L;

  private final Monetize monetize;
  private final LimiterStore store;
  private final Duration maxDeliveryAge;
  private long auditDroppedSeen;
  private long dropsSeenAt = Long.MIN_VALUE;
  private volatile Health last;
  private volatile long lastAt;
  private final java.util.concurrent.locks.ReentrantLock checking = new java.util.concurrent.locks.ReentrantLock();

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
  public Health health() {
    Health cached = last;
    if (cached != null && System.nanoTime() - lastAt < CACHE_NANOS) {
      return cached;
    }
    if (!checking.tryLock()) { // one check at a time; the others answer what is known
      return cached != null ? cached : Health.unknown().withDetail("limiterStore", "being checked").build();
    }
    try {
      Health fresh = check();
      last = fresh;
      lastAt = System.nanoTime();
      return fresh;
    } finally {
      checking.unlock();
    }
  }

  private Health check() {
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
    long now = System.nanoTime();
    if (m.auditEventsDropped() > auditDroppedSeen) {
      dropsSeenAt = now;
      auditDroppedSeen = m.auditEventsDropped();
    }
    if (dropsSeenAt != Long.MIN_VALUE && now - dropsSeenAt < DROPS_WINDOW_NANOS) {
      h.down().withDetail("audit", "audit events were dropped within the last minute");
    }
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
