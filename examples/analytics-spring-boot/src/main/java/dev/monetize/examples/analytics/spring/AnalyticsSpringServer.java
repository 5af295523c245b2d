package dev.monetize.examples.analytics.spring;

import dev.monetize.Monetize;
import dev.monetize.TimeSource;
import dev.monetize.examples.analytics.DemoSecrets;
import dev.monetize.examples.analytics.DemoService;
import dev.monetize.examples.analytics.PostgresEventStore;
import dev.monetize.examples.analytics.domain.EventStore;
import dev.monetize.http.TrustedProxies;
import dev.monetize.management.ManagementLimits;
import dev.monetize.metering.UsageSink;
import dev.monetize.plans.Catalog;
import dev.monetize.spring.MonetizeCustomizer;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.Banner;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * The example analytics service on Spring Boot with {@code monetize-spring-boot-starter}: the same
 * plans, domain, demo keys and contract as the other examples. {@code java -jar
 * analytics-spring-boot.jar} listens on {@code PORT} (default 8080), prints {@code demo key <plan>:
 * <secret>} per plan and for {@code admin}, then {@code listening on <port>}. With
 * {@code MONETIZE_REDIS_URL} the limits, cached answers and shield lists live in Redis; with
 * {@code MONETIZE_JDBC_URL} keys, usage, invoices, the audit trail and the events in PostgreSQL.
 */
@SpringBootApplication
public class AnalyticsSpringServer implements AutoCloseable {
  private ConfigurableApplicationContext context;
  private Map<String, String> demoKeys;

  /** Used by Spring as the application class; start the service with {@link #builder()}. */
  public AnalyticsSpringServer() {}

  /** Starts the service from the command line. */
  public static void main(String[] args) {
    java.util.OptionalInt parsed = DemoService.port(System.getenv("PORT"));
    if (parsed.isEmpty()) {
      System.exit(2);
      return;
    }
    AnalyticsSpringServer app;
    try {
      app = builder().port(parsed.getAsInt()).environment(System.getenv()).start();
    } catch (RuntimeException e) {
      System.err.println("cannot start: " + rootMessage(e));
      System.exit(2);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(app::close, "shutdown"));
    DemoService.announce(app.demoKeys(), app.port());
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  /** The clock the endpoints read (the engine's, so that tests move both). */
  @Bean
  Clock clock(TimeSource time) {
    return new Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return java.time.ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return Clock.fixed(instant(), zone);
      }

      @Override
      public java.time.Instant instant() {
        long n = time.epochNanos();
        return java.time.Instant.ofEpochSecond(Math.floorDiv(n, 1_000_000_000L), Math.floorMod(n, 1_000_000_000L));
      }
    };
  }

  /** The events: in PostgreSQL when the application has a {@code DataSource}, else in memory. */
  @Bean
  EventStore eventStore(ObjectProvider<DataSource> dataSource, ObjectProvider<Settings> settings) throws SQLException {
    Settings s = settings.getObject();
    if (s.events != null) {
      return s.events;
    }
    DataSource ds = dataSource.getIfAvailable();
    return ds == null ? EventStore.inMemory() : PostgresEventStore.open(ds, s.jdbcUrl);
  }

  /** What the builder sets that is code, not properties: the clock and the management API's limits. */
  @Bean
  MonetizeCustomizer exampleSettings(Settings s) {
    // the handlers write bytes (the JSON every variant shares), so the bodies' types are declared as the servlet's are
    return b -> b.timeSource(s.time).managementLimits(s.limits).trustedProxies(s.proxies)
        .apiSchemas(dev.monetize.examples.analytics.DemoService.apiSchemas());
  }

  /** The engine's clock. */
  @Bean
  TimeSource timeSource(Settings s) {
    return s.time;
  }

  /** What the builder was given, as one bean. */
  static final class Settings {
    TimeSource time = TimeSource.system();
    ManagementLimits limits = ManagementLimits.defaults();
    TrustedProxies proxies = TrustedProxies.none();
    EventStore events;
    String jdbcUrl = "";
  }

  /** Starts a builder (port 8080, the shipped plans, in-memory everything). */
  public static Builder builder() {
    return new Builder();
  }

  /** The port listened on. */
  public int port() {
    return ((WebServerApplicationContext) context).getWebServer().getPort();
  }

  /** Demo secrets by plan, then {@code admin}. */
  public Map<String, String> demoKeys() {
    return demoKeys;
  }

  /** The application context (for tests and operators). */
  public ConfigurableApplicationContext context() {
    return context;
  }

  /** The engine. */
  public Monetize monetize() {
    return context.getBean(Monetize.class);
  }

  @Override
  public void close() {
    context.close();
  }

  /** Options of the example service. */
  public static final class Builder {
    private int port = 8080;
    private Optional<Catalog> catalog = Optional.empty();
    private Optional<UsageSink> usage = Optional.empty();
    private Optional<dev.monetize.audit.AuditSink> audit = Optional.empty();
    private final Settings settings = new Settings();
    private Map<String, String> env = Map.of();

    private Builder() {}

    /** The port; 0 picks a free one. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Plans and operations other than the shipped ones (tests use tiny quotas). */
    public Builder catalog(Catalog catalog) {
      this.catalog = Optional.of(catalog);
      return this;
    }

    /** Where audit events go (default: the most recent 100,000 in memory, or PostgreSQL with {@code MONETIZE_JDBC_URL}). */
    public Builder auditSink(dev.monetize.audit.AuditSink sink) {
      this.audit = Optional.of(sink);
      return this;
    }

    /** Where usage goes. */
    public Builder usageSink(UsageSink sink) {
      this.usage = Optional.of(sink);
      return this;
    }

    /** The clock of the engine and the endpoints. */
    public Builder timeSource(TimeSource time) {
      settings.time = Objects.requireNonNull(time);
      return this;
    }

    /** Where the events live (default in memory, or PostgreSQL with {@code MONETIZE_JDBC_URL}). */
    public Builder eventStore(EventStore store) {
      settings.events = Objects.requireNonNull(store);
      return this;
    }

    /** Limits of the management API. */
    public Builder managementLimits(ManagementLimits limits) {
      settings.limits = Objects.requireNonNull(limits);
      return this;
    }

    /** The proxies whose forwarding headers are believed. */
    public Builder trustedProxies(TrustedProxies proxies) {
      settings.proxies = Objects.requireNonNull(proxies);
      return this;
    }

    /**
     * The {@code MONETIZE_*} variables: {@code MONETIZE_REDIS_URL}, {@code MONETIZE_JDBC_URL},
     * {@code MONETIZE_DATA_DIR} (with {@code MONETIZE_FSYNC}) and {@code MONETIZE_TRUSTED_PROXIES}.
     */
    public Builder environment(Map<String, String> env) {
      this.env = Map.copyOf(env);
      if (!blank(env.get("MONETIZE_TRUSTED_PROXIES"))) {
        settings.proxies = DemoService.trustedProxies(env);
      }
      return this;
    }

    private static boolean blank(String s) {
      return s == null || s.isBlank();
    }

    /** Starts Spring Boot, issues the demo keys. */
    public AnalyticsSpringServer start() {
      DemoSecrets shared = DemoSecrets.fromEnvironment(env); // a real service reads them from its secret store
      String operatorKey = shared.operatorKey();
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("server.port", port);
      p.put("server.server-header", "");
      p.put("spring.main.banner-mode", "off");
      p.put("logging.level.root", "warn");
      p.put("monetize.environment", "test");
      p.put("monetize.api-title", DemoService.API_TITLE);
      p.put("monetize.publish-docs", "true");
      p.put("monetize.operator-key", operatorKey);
      shared.tokenSecret().ifPresent(t -> p.put("monetize.token-secret", new String(t,
          java.nio.charset.StandardCharsets.UTF_8)));
      p.put("monetize.plans", "classpath:" + DemoService.PLANS_RESOURCE);
      p.put("monetize.operator-only", MetricsController.PATH);
      p.put("management.endpoints.web.exposure.include", "health");
      p.put("management.endpoints.web.discovery.enabled", "false"); // its links echo the Host header
      List<String> excluded = new ArrayList<>();
      String redis = env.get("MONETIZE_REDIS_URL");
      String clusterNodes = env.get("MONETIZE_REDIS_CLUSTER_NODES");
      if (!blank(redis) && !blank(clusterNodes)) {
        throw new IllegalArgumentException("set MONETIZE_REDIS_URL (one server) or MONETIZE_REDIS_CLUSTER_NODES "
            + "(a cluster's seed nodes), not both");
      }
      if (!blank(clusterNodes)) {
        p.put("spring.data.redis.cluster.nodes", clusterNodes.trim());
      } else if (blank(redis)) {
        excluded.add("org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration");
        excluded.add("org.springframework.boot.autoconfigure.data.redis.RedisRepositoriesAutoConfiguration");
        p.put("management.health.redis.enabled", "false");
      } else {
        p.put("spring.data.redis.url", redis.trim());
      }
      String jdbc = env.get("MONETIZE_JDBC_URL");
      if (blank(jdbc)) {
        excluded.add("org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration");
      } else {
        p.put("spring.datasource.url", jdbc.trim());
        settings.jdbcUrl = jdbc.trim();
      }
      if (audit.isEmpty() && blank(jdbc)) {
        audit = Optional.of(dev.monetize.audit.AuditSink.inMemory()); // searchable: GET /monetize/audit
      }
      if (!excluded.isEmpty()) {
        p.put("spring.autoconfigure.exclude", String.join(",", excluded));
      }
      DemoService.journal(env).ifPresent(j -> {
        p.put("monetize.journal.directory", j.directory().toString());
        p.put("monetize.journal.fsync", env.getOrDefault("MONETIZE_FSYNC", "1s"));
      });
      ConfigurableApplicationContext context = new SpringApplicationBuilder(AnalyticsSpringServer.class)
          .bannerMode(Banner.Mode.OFF).logStartupInfo(false).properties(p)
          .initializers(ctx -> {
            ctx.getBeanFactory().registerSingleton("exampleSettingsHolder", settings);
            catalog.ifPresent(c -> ctx.getBeanFactory().registerSingleton("monetizeCatalog", c));
            usage.ifPresent(u -> ctx.getBeanFactory().registerSingleton("exampleUsageSink", u));
            audit.ifPresent(a -> ctx.getBeanFactory().registerSingleton("exampleAuditSink", a));
          })
          .run();
      AnalyticsSpringServer app = context.getBean(AnalyticsSpringServer.class);
      app.context = context;
      app.demoKeys = DemoService.issueDemoKeys(context.getBean(Monetize.class), operatorKey);
      return app;
    }
  }
}
