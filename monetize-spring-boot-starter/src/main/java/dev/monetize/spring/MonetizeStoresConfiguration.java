package dev.monetize.spring;

import dev.monetize.audit.AuditSink;
import dev.monetize.billing.BillingHistory;
import dev.monetize.cache.ResponseCache;
import dev.monetize.keys.CustomerStore;
import dev.monetize.keys.KeyStore;
import dev.monetize.limits.LimiterStore;
import dev.monetize.metering.UsageSink;
import dev.monetize.postgres.PostgresAuditStore;
import dev.monetize.postgres.PostgresBillingHistory;
import dev.monetize.postgres.PostgresStore;
import dev.monetize.postgres.PostgresUsageLedger;
import dev.monetize.redis.RedisLimiterStore;
import dev.monetize.redis.RedisResponseCache;
import dev.monetize.redis.RedisShieldStore;
import dev.monetize.shield.ShieldStore;
import dev.monetize.spring.internal.RedisUris;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Stores on what the application already has: its Redis (Spring Data Redis with Lettuce) for
 * limits, cached answers and the shield's lists, and its {@code DataSource} (PostgreSQL, migrated at
 * start-up) for keys, organizations, the usage ledger, billing history and the audit trail. Each
 * bean steps aside for one of the application's own.
 */
@Configuration(proxyBeanMethods = false)
public class MonetizeStoresConfiguration {
  /** Used by Spring. */
  public MonetizeStoresConfiguration() {}

  /**
   * Redis through the application's Lettuce set-up, one server or a cluster
   * ({@code spring.data.redis.cluster.nodes}); one connection per store of Monetize's own.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({RedisLimiterStore.class, LettuceConnectionFactory.class})
  @ConditionalOnBean(LettuceConnectionFactory.class)
  @ConditionalOnProperty(prefix = "monetize", name = "use-redis", havingValue = "true", matchIfMissing = true)
  public static class Redis {
    /** Used by Spring. */
    public Redis() {}

    /** Limits: every limit of a request in one round trip. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(LimiterStore.class)
    public RedisLimiterStore monetizeLimiterStore(LettuceConnectionFactory factory, MonetizeProperties p) {
      dev.monetize.redis.RedisEndpoint endpoint = RedisUris.endpoint(factory);
      RedisLimiterStore.Builder b = RedisLimiterStore.builder().endpoint(endpoint).keyPrefix(p.getRedisKeyPrefix())
          .commandTimeout(p.getRedisCommandTimeout());
      if (!endpoint.isCluster() && factory.getNativeClient() instanceof io.lettuce.core.RedisClient client) {
        b.client(client); // the application's event loops and options, not a second set (the store reconnects its own way)
      }
      return b.build();
    }

    /** Cached answers, shared by every instance. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(ResponseCache.class)
    public RedisResponseCache monetizeResponseCache(LettuceConnectionFactory factory, MonetizeProperties p) {
      return RedisResponseCache.connect(RedisUris.endpoint(factory), p.getRedisKeyPrefix());
    }

    /** The shield's lists and bans, shared by every instance. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(ShieldStore.class)
    public RedisShieldStore monetizeShieldStore(LettuceConnectionFactory factory, MonetizeProperties p) {
      return RedisShieldStore.connect(RedisUris.endpoint(factory), p.getRedisKeyPrefix());
    }
  }

  /** PostgreSQL through the application's {@code DataSource}; the schema is migrated at start-up. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({PostgresStore.class, DataSource.class})
  @ConditionalOnBean(DataSource.class)
  @ConditionalOnProperty(prefix = "monetize", name = "use-data-source", havingValue = "true", matchIfMissing = true)
  public static class Postgres {
    /** Used by Spring. */
    public Postgres() {}

    /** Keys, projects and organizations. */
    @Bean
    @ConditionalOnMissingBean(PostgresStore.class)
    public PostgresStore monetizePostgresStore(DataSource dataSource) throws SQLException {
      return PostgresStore.on(dataSource);
    }

    /** Keys, unless the application has its own store. */
    @Bean
    @ConditionalOnMissingBean(KeyStore.class)
    public KeyStore monetizeKeyStore(PostgresStore store) {
      return store;
    }

    /** Organizations, unless the application has its own store. */
    @Bean
    @ConditionalOnMissingBean(CustomerStore.class)
    public CustomerStore monetizeCustomerStore(PostgresStore store) {
      return store;
    }

    /** The usage ledger: idempotent, exact. */
    @Bean
    @ConditionalOnMissingBean(UsageSink.class)
    public UsageSink monetizeUsageLedger(PostgresStore store, DataSource dataSource) {
      return new PostgresUsageLedger(dataSource);
    }

    /** Wallet entries, plan changes and invoices. */
    @Bean
    @ConditionalOnMissingBean(BillingHistory.class)
    public BillingHistory monetizeBillingHistory(PostgresStore store, DataSource dataSource) {
      return new PostgresBillingHistory(dataSource);
    }

    /**
     * Where Monetize keeps no limits in Redis ({@link WithoutRedis}): limits in memory and prepaid
     * balances in PostgreSQL, so that a restart keeps every balance.
     */
    @Bean
    @ConditionalOnMissingBean(LimiterStore.class)
    @org.springframework.context.annotation.Conditional(WithoutRedis.class)
    public LimiterStore monetizeCreditsLimiterStore(PostgresStore store, DataSource dataSource) {
      return dev.monetize.postgres.PostgresCredits.over(LimiterStore.inMemory(), dataSource);
    }

    /** The append-only, hash-chained audit trail. */
    @Bean
    @ConditionalOnMissingBean(AuditSink.class)
    public AuditSink monetizeAuditStore(PostgresStore store, DataSource dataSource) {
      return new PostgresAuditStore(dataSource);
    }
  }

  /** Where the {@link Redis} configuration keeps no limits: no module, no Lettuce connection, or turned off. */
  static final class WithoutRedis extends org.springframework.boot.autoconfigure.condition.AnyNestedCondition {
    WithoutRedis() {
      super(ConfigurationPhase.REGISTER_BEAN);
    }

    @org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass("dev.monetize.redis.RedisLimiterStore")
    static final class NoModule {}

    @ConditionalOnMissingBean(type = "org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory")
    static final class NoLettuce {}

    @ConditionalOnProperty(prefix = "monetize", name = "use-redis", havingValue = "false")
    static final class TurnedOff {}
  }
}
