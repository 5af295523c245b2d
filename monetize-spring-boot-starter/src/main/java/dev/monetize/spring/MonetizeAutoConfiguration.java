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
    "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration"},
    beforeName = "org.springframework.boot.autoconfigure.web.servlet.MultipartAutoConfiguration") // our resolver first
@ConditionalOnProperty(prefix = "monetize", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(MonetizeProperties.class)
@Import({MonetizeStoresConfiguration.class, MonetizeWebConfiguration.class, MonetizeActuatorConfiguration.class})
public class MonetizeAutoConfiguration {
  /** Used by Spring. */
  public MonetizeAutoConfiguration() {}

  /** The plans and operations of the plans file ({@code monetize.plans}). */
  @Bean
  @ConditionalOnMissingBean
  public Catalog monetizeCatalog(MonetizeProperties properties, ResourceLoader resources) {
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
    return catalog;
  }

  /**
   * The engine, closed with the application context: the catalog's operations plus every Spring MVC
   * handler method annotated {@link dev.monetize.Monetized}.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  Monetize monetize(MonetizeProperties p, Catalog plans, ObjectProvider<HandlerOperations> handlers, ObjectProvider<KeyStore> keyStore,
      ObjectProvider<CustomerStore> customerStore, ObjectProvider<LimiterStore> limiterStore,
      ObjectProvider<UsageSink> usageSink, ObjectProvider<BillingHistory> billingHistory,
      ObjectProvider<AuditSink> auditSink, ObjectProvider<ResponseCache> responseCache,
      ObjectProvider<ShieldStore> shieldStore, ObjectProvider<MonetizeCustomizer> customizers,
      org.springframework.beans.factory.ListableBeanFactory beans,
      ObjectProvider<com.fasterxml.jackson.databind.ObjectMapper> objectMapper,
      org.springframework.core.env.Environment springEnvironment) {
    HandlerOperations annotated = handlers.getIfAvailable();
    Catalog catalog = annotated == null ? plans : annotated.addTo(plans);
    MonetizeBuilder b = Monetize.builder().catalog(catalog).environment(environment(p.getEnvironment()))
        .apiInfo(p.getApiTitle(), p.getApiVersion()).publishDocs(p.isPublishDocs())
        .springSecurityCacheHeaders(org.springframework.util.ClassUtils.isPresent( // its defaults on every answer
            "org.springframework.security.web.header.HeaderWriterFilter", MonetizeAutoConfiguration.class.getClassLoader()));
    String servletPrefix = MonetizeWebConfiguration.servletPrefix(springEnvironment);
    if (!servletPrefix.isEmpty()) { // only paths under the dispatcher servlet reach any filter
      b.managementPrefix(servletPrefix + "/monetize");
      java.util.List<String> outside = plans.operations().stream().map(o -> o.method() + " " + o.pathTemplate())
          .filter(route -> !route.substring(route.indexOf(' ') + 1).startsWith(servletPrefix + "/")).toList();
      if (!outside.isEmpty()) {
        org.slf4j.LoggerFactory.getLogger(MonetizeAutoConfiguration.class).warn("spring.mvc.servlet.path is {}, but "
            + "the plans file routes {} outside it: no such request reaches the application (write the plans file's "
            + "paths as requests use them, {}/v1/...; @Monetized handlers get the servlet path added)", servletPrefix,
            outside, servletPrefix);
      }
    }
    if (annotated != null) { // the handlers' types, written as the application's ObjectMapper writes them
      b.apiSchemas(annotated.schemas(catalog,
          objectMapper.getIfAvailable(com.fasterxml.jackson.databind.ObjectMapper::new)));
    }
    if (!p.getKeyPepper().isEmpty()) {
      b.keyPepper(atLeast32("monetize.key-pepper", p.getKeyPepper()));
    }
    if (!p.getTokenSecret().isEmpty()) {
      b.tokens(Tokens.builder().hs256(atLeast32("monetize.token-secret", p.getTokenSecret())).build());
    }
    if (!p.getOperatorKey().isEmpty()) {
      resolved("monetize.operator-key", p.getOperatorKey());
      try {
        b.operatorKey(p.getOperatorKey());
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("monetize.operator-key: " + e.getMessage(), e);
      }
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
    LimiterStore limits = limiterStore.getIfAvailable();
    // balances in PostgreSQL, limits in memory: not shared limits
    boolean sharedLimits = limits != null && !limits.getClass().getName().equals("dev.monetize.postgres.PostgresCredits");
    warnOfMemoryStores(beans, p, sharedLimits, keyStore.getIfAvailable() != null);
    return b.build();
  }

  /**
   * Says so when the application has Redis or a {@code DataSource} but Monetize keeps its state in
   * memory anyway (the module is missing, the connection is not a standalone Lettuce one, or the
   * starter was told not to): several instances would then each admit the whole quota.
   */
  private static void warnOfMemoryStores(org.springframework.beans.factory.ListableBeanFactory beans,
      MonetizeProperties p, boolean sharedLimits, boolean sharedKeys) {
    org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(MonetizeAutoConfiguration.class);
    if (!sharedLimits && p.isUseRedis() && has(beans, "org.springframework.data.redis.connection.RedisConnectionFactory")) {
      log.warn("the application has Redis, but Monetize keeps limits, cached answers and shield lists in memory: "
          + "add monetize-redis and a standalone Lettuce connection, define a LimiterStore bean, or set "
          + "monetize.use-redis=false to say it is meant");
    }
    if (!sharedKeys && p.isUseDataSource() && has(beans, "javax.sql.DataSource")) {
      log.warn("the application has a DataSource, but Monetize keeps keys, usage and the audit trail in memory: add "
          + "monetize-postgres, define the stores as beans, or set monetize.use-data-source=false to say it is meant");
    }
  }

  private static boolean has(org.springframework.beans.factory.ListableBeanFactory beans, String type) {
    ClassLoader loader = MonetizeAutoConfiguration.class.getClassLoader();
    return org.springframework.util.ClassUtils.isPresent(type, loader)
        && beans.getBeanNamesForType(org.springframework.util.ClassUtils.resolveClassName(type, loader)).length > 0;
  }

  private static KeyEnvironment environment(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "live" -> KeyEnvironment.LIVE;
      case "test" -> KeyEnvironment.TEST;
      default -> throw new IllegalStateException("monetize.environment must be live or test, got '" + value + "'");
    };
  }

  /**
   * Refuses a secret that is an unresolved placeholder: Spring keeps {@code ${VARIABLE}} as text when
   * the variable is unset, and that text is no secret (anyone who reads the configuration has it).
   */
  private static void resolved(String property, String value) {
    if (value.contains("${")) {
      throw new IllegalStateException(property + " is an unresolved placeholder (its environment variable is not "
          + "set); set the variable, or leave the property out");
    }
  }

  private static byte[] atLeast32(String property, String value) {
    resolved(property, value);
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    if (bytes.length < 32) {
      throw new IllegalStateException(property + " must be at least 32 bytes, got " + bytes.length
          + "; generate one with: openssl rand -base64 48");
    }
    return bytes;
  }
}
