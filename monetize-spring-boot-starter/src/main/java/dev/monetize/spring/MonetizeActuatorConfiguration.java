package dev.monetize.spring;

import dev.monetize.Monetize;
import dev.monetize.limits.LimiterStore;
import dev.monetize.micrometer.MonetizeMetrics;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Actuator and Micrometer, when the application has them: the engine's meters in the application's
 * {@code MeterRegistry} (Spring Boot binds every {@code MeterBinder} bean) and a {@code monetize}
 * health indicator for the limiter store, usage delivery and the audit trail.
 */
@Configuration(proxyBeanMethods = false)
public class MonetizeActuatorConfiguration {
  /** Used by Spring. */
  public MonetizeActuatorConfiguration() {}

  /** The engine's meters (request timers per plan and operation, store round trips, queues). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
  public static class Metrics {
    /** Used by Spring. */
    public Metrics() {}

    /** Bound to the application's registry by Spring Boot. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public MonetizeMetrics monetizeMetrics(Monetize monetize) {
      return new MonetizeMetrics(monetize);
    }
  }

  /**
   * {@code /actuator/env} and {@code /actuator/configprops} never show Monetize's secrets, whatever
   * {@code show-values} says.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.SanitizingFunction")
  public static class Secrets {
    /** Used by Spring. */
    public Secrets() {}

    /** Masks the key pepper, the token secret and the operator key under any of their names. */
    @Bean
    public org.springframework.boot.actuate.endpoint.SanitizingFunction monetizeSecrets() {
      return data -> {
        String key = data.getLowerCaseKey().replaceAll("[^a-z0-9]", "");
        return key.contains("monetize") && (key.contains("keypepper") || key.contains("tokensecret")
            || key.contains("operatorkey")) || key.equals("keypepper") || key.equals("tokensecret")
            || key.equals("operatorkey") ? data.withSanitizedValue() : data;
      };
    }
  }

  /** {@code GET /actuator/health} includes {@code monetize}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthIndicator.class)
  public static class Health {
    /** Used by Spring. */
    public Health() {}

    /** The limiter store answers, usage reaches its sink, the audit trail keeps everything. */
    @Bean
    @ConditionalOnMissingBean(name = "monetizeHealthIndicator")
    public HealthIndicator monetizeHealthIndicator(Monetize monetize, ObjectProvider<LimiterStore> store,
        MonetizeProperties p) {
      return new MonetizeHealth(monetize, store.getIfAvailable(), p.getUsageDeliveryMaxAge());
    }
  }
}
