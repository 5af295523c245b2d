package dev.monetize.spring;

import dev.monetize.Monetize;
import dev.monetize.MonetizeBuilder;
import dev.monetize.audit.AuditSink;
import dev.monetize.billing.BillingHistory;
import dev.monetize.cache.ResponseCache;
import dev.monetize.config.CatalogLoader;
import dev.monetize.config.ConfigException;
import dev.monetize.http.TrustedProxies;
import dev.monetize.keys.CustomerStore;
import dev.monetize.keys.KeyEnvironment;
import dev.monetize.keys.KeyStore;
import dev.monetize.limits.LimiterStore;
import dev.monetize.metering.FsyncPolicy;
import dev.monetize.metering.UsageSink;
import dev.monetize.plans.Catalog;
import dev.monetize.shield.ShieldStore;
import dev.monetize.spring.internal.HandlerOperations;
import dev.monetize.tokens.Tokens;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * Configures a {@link Monetize} engine from the {@code monetize.*} properties and whatever SPI beans
 * the application defines: a bean of {@link KeyStore}, {@link CustomerStore}, {@link LimiterStore},
 * {@link UsageSink}, {@link BillingHistory}, {@link AuditSink}, {@link ResponseCache} or
 * {@link ShieldStore} replaces the default. Without one, the application's Redis and
 * {@code DataSource} are used when present (see {@link MonetizeStoresConfiguration}), else memory.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration",
    "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration"})
@ConditionalOnProperty(prefix = "monetize", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(MonetizeProperties.class)
@Import({MonetizeStoresConfiguration.class, MonetizeWebConfiguration.class, MonetizeActuatorConfiguration.class})
public class MonetizeAutoConfiguration {
  /** Used by Spring. */
  public MonetizeAutoConfiguration() {}

  /**
   * The plans and operations: the plans file, plus every Spring MVC handler method annotated
   * {@link Monetized}.
   */
  @Bean
  @ConditionalOnMissingBean
  Catalog monetizeCatalog(MonetizeProperties properties, ResourceLoader resources,
      ObjectProvider<HandlerOperations> handlers) {
    Resource plans = resources.getResource(properties.getPlans());
    Catalog catalog;
    try (InputStream in = plans.getInputStream()) {
      catalog = CatalogLoader.load(properties.getPlans(), in);
    } catch (IOException e) {
      throw new IllegalStateException("monetize.plans: cannot read " + properties.getPlans() + " (" + e.getMessage()
          + "); put a plans file there or point monetize.plans at one", e);
    } catch (ConfigException e) {
      throw new IllegalStateException("monetize.plans: " + e.getMessage(), e);
    }
    HandlerOperations annotated = handlers.getIfAvailable();
    return annotated == null ? catalog : annotated.addTo(catalog);
  }

  /** The engine, closed with the application context. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public Monetize monetize(MonetizeProperties p, Catalog catalog, ObjectProvider<KeyStore> keyStore,
      ObjectProvider<CustomerStore> customerStore, ObjectProvider<LimiterStore> limiterStore,
      ObjectProvider<UsageSink> usageSink, ObjectProvider<BillingHistory> billingHistory,
      ObjectProvider<AuditSink> auditSink, ObjectProvider<ResponseCache> responseCache,
      ObjectProvider<ShieldStore> shieldStore, ObjectProvider<MonetizeCustomizer> customizers) {
    MonetizeBuilder b = Monetize.builder().catalog(catalog).environment(environment(p.getEnvironment()))
        .apiInfo(p.getApiTitle(), p.getApiVersion()).publishDocs(p.isPublishDocs());
    if (!p.getKeyPepper().isEmpty()) {
      b.keyPepper(atLeast32("monetize.key-pepper", p.getKeyPepper()));
    }
    if (!p.getTokenSecret().isEmpty()) {
      b.tokens(Tokens.builder().hs256(atLeast32("monetize.token-secret", p.getTokenSecret())).build());
    }
    if (!p.getOperatorKey().isEmpty()) {
      b.operatorKey(p.getOperatorKey());
    }
    if (!p.getTrustedProxies().isEmpty()) {
      try {
        b.trustedProxies(TrustedProxies.parse(String.join(",", p.getTrustedProxies())));
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("monetize.trusted-proxies: " + e.getMessage(), e);
      }
    }
    if (!p.getJournal().getDirectory().isBlank()) {
      FsyncPolicy fsync;
      try {
        fsync = FsyncPolicy.parse(p.getJournal().getFsync().trim());
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("monetize.journal.fsync: " + e.getMessage(), e);
      }
      b.usageJournal(Path.of(p.getJournal().getDirectory().trim()), fsync);
    }
    keyStore.ifAvailable(b::keyStore);
    customerStore.ifAvailable(b::customerStore);
    limiterStore.ifAvailable(b::limiterStore);
    usageSink.ifAvailable(b::usageSink);
    billingHistory.ifAvailable(b::billingHistory);
    auditSink.ifAvailable(b::auditSink);
    responseCache.ifAvailable(b::responseCache);
    shieldStore.ifAvailable(b::shieldStore);
    customizers.orderedStream().forEach(c -> c.customize(b));
    return b.build();
  }

  private static KeyEnvironment environment(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "live" -> KeyEnvironment.LIVE;
      case "test" -> KeyEnvironment.TEST;
      default -> throw new IllegalStateException("monetize.environment must be live or test, got '" + value + "'");
    };
  }

  private static byte[] atLeast32(String property, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    if (bytes.length < 32) {
      throw new IllegalStateException(property + " must be at least 32 bytes, got " + bytes.length
          + "; generate one with: openssl rand -base64 48");
    }
    return bytes;
  }
}
