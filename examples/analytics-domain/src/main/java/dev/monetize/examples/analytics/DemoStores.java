package dev.monetize.examples.analytics;

import dev.monetize.MonetizeBuilder;
import dev.monetize.postgres.PostgresBillingHistory;
import dev.monetize.postgres.PostgresStore;
import dev.monetize.postgres.PostgresUsageLedger;
import dev.monetize.redis.RedisEndpoint;
import dev.monetize.redis.RedisLimiterStore;
import dev.monetize.redis.RedisResponseCache;
import dev.monetize.redis.RedisShieldStore;
import dev.monetize.examples.analytics.domain.EventStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The stores every example runs on, as its environment names them: {@code MONETIZE_JDBC_URL}
 * (organizations, keys, usage ledger, wallets, invoices, audit trail and the customers' events in
 * PostgreSQL) and {@code MONETIZE_REDIS_URL} or {@code MONETIZE_REDIS_CLUSTER_NODES} (limits, cached
 * answers and shield lists shared on Redis); none set: everything in memory. One place, so that the
 * servlet and JAX-RS examples keep one contract.
 */
public final class DemoStores implements AutoCloseable {
  private final Optional<PostgresStore> db;
  private final Optional<RedisEndpoint> redis;
  private final Optional<EventStore> events;
  private final List<AutoCloseable> opened;

  private DemoStores(Optional<PostgresStore> db, Optional<RedisEndpoint> redis, Optional<EventStore> events,
      List<AutoCloseable> opened) {
    this.db = db;
    this.redis = redis;
    this.events = events;
    this.opened = opened;
  }

  /** In memory: nothing set. */
  public static DemoStores inMemory() {
    return new DemoStores(Optional.empty(), Optional.empty(), Optional.empty(), new ArrayList<>());
  }

  /**
   * The stores {@code env} names, connected (the schema migrated). Fails with a message naming the
   * variable when one is malformed or its server cannot be reached.
   */
  public static DemoStores fromEnvironment(Map<String, String> env) throws java.sql.SQLException {
    Optional<RedisEndpoint> redis = redisEndpoint(env);
    String jdbcUrl = env.get("MONETIZE_JDBC_URL");
    if (jdbcUrl == null || jdbcUrl.isBlank()) {
      return new DemoStores(Optional.empty(), redis, Optional.empty(), new ArrayList<>());
    }
    List<AutoCloseable> opened = new ArrayList<>();
    PostgresStore db = PostgresStore.connect(jdbcUrl.trim());
    opened.add(db);
    try {
      // the customers' events, isolated by tenant in every query and again by row-level security
      PostgresEventStore events = PostgresEventStore.open(db.dataSource(), jdbcUrl.trim());
      opened.add(0, events); // closed before the pool it uses
      return new DemoStores(Optional.of(db), redis, Optional.of(events), opened);
    } catch (java.sql.SQLException | RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /**
   * The Redis to share limits, cached answers and shield lists on: {@code MONETIZE_REDIS_URL} (one
   * server) or {@code MONETIZE_REDIS_CLUSTER_NODES} (a cluster's seed nodes, {@code host:port,...});
   * neither set: none, everything stays in this process.
   */
  public static Optional<RedisEndpoint> redisEndpoint(Map<String, String> env) {
    String url = env.get("MONETIZE_REDIS_URL");
    String nodes = env.get("MONETIZE_REDIS_CLUSTER_NODES");
    boolean single = url != null && !url.isBlank();
    boolean cluster = nodes != null && !nodes.isBlank();
    if (single && cluster) {
      throw new IllegalArgumentException("set MONETIZE_REDIS_URL (one server) or MONETIZE_REDIS_CLUSTER_NODES "
          + "(a cluster's seed nodes), not both");
    }
    try {
      return cluster ? Optional.of(RedisEndpoint.cluster(nodes)) : single ? Optional.of(RedisEndpoint.of(url))
          : Optional.empty();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException((cluster ? "MONETIZE_REDIS_CLUSTER_NODES: " : "MONETIZE_REDIS_URL: ")
          + e.getMessage(), e);
    }
  }

  /** The customers' events, when kept in PostgreSQL. */
  public Optional<EventStore> events() {
    return events;
  }

  /**
   * Puts the stores on {@code engine} (after its other settings: these replace the in-memory ones); what
   * they open is closed with this object.
   */
  public void configure(MonetizeBuilder engine) {
    if (db.isPresent()) {
      PostgresStore store = db.get();
      // organizations, projects and keys in PostgreSQL: shared by every process using the database
      engine.keyStore(store).customerStore(store).usageSink(new PostgresUsageLedger(store.dataSource()))
          .billingHistory(new PostgresBillingHistory(store.dataSource()))
          // the audit trail too: append-only, chained per tenant, no event lost
          .auditSink(new dev.monetize.postgres.PostgresAuditStore(store.dataSource()));
      if (redis.isEmpty()) {
        // no Redis: limits in memory, prepaid balances in PostgreSQL (they outlive a restart)
        engine.limiterStore(dev.monetize.postgres.PostgresCredits.over(dev.monetize.limits.LimiterStore.inMemory(),
            store.dataSource()));
      }
    }
    if (redis.isPresent()) {
      // limits shared by every process using this Redis: the plans limit per customer
      RedisLimiterStore limits = opened(RedisLimiterStore.builder().endpoint(redis.get()).build());
      engine.limiterStore(limits);
      // cached answers shared too: an invalidation on one process is seen by all at once
      engine.responseCache(opened(RedisResponseCache.connect(redis.get(), "monetize:")));
      // the shield's lists and bans too: an address banned by one process is refused by all
      engine.shieldStore(opened(RedisShieldStore.connect(redis.get(), "monetize:")));
    }
  }

  /** {@code resource}, closed with this object (before what was opened earlier), as soon as it is open. */
  private <T extends AutoCloseable> T opened(T resource) {
    synchronized (opened) {
      opened.add(0, resource);
    }
    return resource;
  }

  @Override
  public void close() {
    synchronized (opened) {
      for (AutoCloseable c : opened) {
        try {
          c.close();
        } catch (Exception e) {
          // closing on the way out: the next one still closes
        }
      }
      opened.clear();
    }
  }
}
