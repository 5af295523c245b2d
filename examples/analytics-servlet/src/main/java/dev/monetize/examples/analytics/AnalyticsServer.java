package dev.monetize.examples.analytics;

import dev.monetize.Monetize;
import dev.monetize.MonetizeBuilder;
import dev.monetize.TimeSource;
import dev.monetize.billing.BillingHistory;
import dev.monetize.config.ConfigException;
import dev.monetize.postgres.PostgresBillingHistory;
import dev.monetize.postgres.PostgresStore;
import dev.monetize.http.TrustedProxies;
import dev.monetize.keys.CustomerStore;
import dev.monetize.management.ManagementLimits;
import dev.monetize.keys.KeyStore;
import dev.monetize.limits.LimiterStore;
import dev.monetize.redis.RedisLimiterStore;
import dev.monetize.redis.RedisResponseCache;
import dev.monetize.examples.analytics.domain.EventStore;
import dev.monetize.examples.analytics.web.AnalyticsServlets;
import dev.monetize.metering.FsyncPolicy;
import dev.monetize.metering.UsageSink;
import dev.monetize.plans.Catalog;
import dev.monetize.servlet.MonetizeFilter;
import dev.monetize.servlet.UnmatchedRoutes;
import jakarta.servlet.DispatcherType;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The example analytics service: ingest events, query aggregates, export raw events, sold in three
 * plans through Monetize. Run it with {@code java -jar analytics-servlet.jar}; it listens on
 * {@code PORT} (default 8080) and prints one demo key per plan.
 */
public final class AnalyticsServer implements AutoCloseable {

  private final Server server;
  private final Monetize monetize;
  private final Map<String, String> demoKeys;
  private final int port;

  private final List<AutoCloseable> resources;

  private AnalyticsServer(Server server, Monetize monetize, Map<String, String> demoKeys, int port,
      List<AutoCloseable> resources) {
    this.server = server;
    this.monetize = monetize;
    this.demoKeys = demoKeys;
    this.port = port;
    this.resources = resources;
  }

  /** Starts the service from the command line. */
  public static void main(String[] args) throws Exception {
    java.util.OptionalInt parsed = DemoService.port(System.getenv("PORT"));
    if (parsed.isEmpty()) {
      System.exit(2);
      return;
    }
    int port = parsed.getAsInt();
    AnalyticsServer app;
    try {
      Builder builder = builder().port(port);
      builder.secrets(DemoSecrets.fromEnvironment(System.getenv())); // checked before any store is opened
      // PostgreSQL and Redis when the environment names them (MONETIZE_JDBC_URL, MONETIZE_REDIS_URL, ...)
      builder.stores(DemoStores.fromEnvironment(System.getenv()));
      // usage journaled on disk before each response completes: kill -9 loses no answered call
      DemoService.journal(System.getenv()).ifPresent(j -> builder.usageJournal(j.directory(), j.fsync()));
      builder.trustedProxies(DemoService.trustedProxies(System.getenv()));
      app = builder.start();
    } catch (ConfigException e) {
      System.err.println("invalid plans: " + e.getMessage());
      System.exit(2);
      return;
    } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException
        | java.sql.SQLException e) {
      System.err.println("cannot start: " + e.getMessage());
      System.exit(2);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(app::close, "shutdown"));
    DemoService.announce(app.demoKeys(), app.port());
    app.server.join();
  }

  /** The plans shipped with the example. */
  public static Catalog defaultCatalog() {
    return DemoService.plans();
  }

  /** Starts a builder (port 8080, the shipped plans, in-memory everything). */
  public static Builder builder() {
    return new Builder();
  }

  /** The port actually listened on. */
  public int port() {
    return port;
  }

  /** Demo secrets by plan name, in plan order, then {@code admin} (the operator). Issued anew at every start. */
  public Map<String, String> demoKeys() {
    return demoKeys;
  }

  /** The engine (for tests and operators). */
  public Monetize monetize() {
    return monetize;
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      Thread.currentThread().interrupt();
    } finally {
      monetize.close();
      for (AutoCloseable r : resources) {
        try {
          r.close();
        } catch (Exception e) {
          // closing a connection on the way out: nothing left to protect
        }
      }
    }
  }

  /** Options of the example service. */
  public static final class Builder {
    private int port = 8080;
    private Catalog catalog;
    private UsageSink usageSink = UsageSink.inMemory();
    private TimeSource timeSource = TimeSource.system();
    private Optional<DemoService.Journal> journal = Optional.empty();
    private BillingHistory billingHistory = BillingHistory.inMemory();
    private LimiterStore limiterStore = LimiterStore.inMemory();
    private dev.monetize.cache.ResponseCache responseCache = dev.monetize.cache.ResponseCache.inMemory(64L << 20);
    private KeyStore keyStore = KeyStore.inMemory();
    private CustomerStore customerStore = CustomerStore.inMemory();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private TrustedProxies trustedProxies = TrustedProxies.none();
    private ManagementLimits managementLimits = ManagementLimits.defaults();
    private dev.monetize.audit.AuditSink auditSink = dev.monetize.audit.AuditSink.inMemory(); // searchable: GET /monetize/audit

    private Builder() {}
    private EventStore eventStore = EventStore.inMemory();
    private DemoStores stores = DemoStores.inMemory();

    /**
     * The stores of {@link DemoStores} (PostgreSQL, Redis), in place of the in-memory ones and of
     * those set here; closed with the service.
     */
    public Builder stores(DemoStores stores) {
      this.stores = Objects.requireNonNull(stores);
      resources.add(stores);
      return this;
    }

    /** Where the service keeps its events (default: a new, empty in-memory store). */
    public Builder eventStore(EventStore store) {
      this.eventStore = Objects.requireNonNull(store);
      return this;
    }

    /** Where audit events go (default: the most recent 100,000 in memory, searchable through /monetize/audit). */
    public Builder auditSink(dev.monetize.audit.AuditSink sink) {
      this.auditSink = Objects.requireNonNull(sink);
      return this;
    }

    /** The proxies whose forwarding headers are believed (default none). */
    public Builder trustedProxies(TrustedProxies proxies) {
      this.trustedProxies = Objects.requireNonNull(proxies);
      return this;
    }

    /** Limits of the management API (default {@link ManagementLimits#defaults()}). */
    public Builder managementLimits(ManagementLimits limits) {
      this.managementLimits = Objects.requireNonNull(limits);
      return this;
    }

    /** Where keys and projects live (default in memory; {@link PostgresStore} shares them). */
    public Builder keyStore(KeyStore store) {
      this.keyStore = Objects.requireNonNull(store);
      return this;
    }

    /** Where organizations live (default in memory). */
    public Builder customerStore(CustomerStore store) {
      this.customerStore = Objects.requireNonNull(store);
      return this;
    }

    /** Closes {@code resource} when the service stops (connection pools, clients). */
    public Builder closeOnStop(AutoCloseable resource) {
      resources.add(Objects.requireNonNull(resource));
      return this;
    }

    /** Where the shield's run-time lists and bans live (default in memory). */
    public Builder shieldStore(dev.monetize.shield.ShieldStore store) {
      this.shieldStore = Objects.requireNonNull(store);
      return this;
    }

    private dev.monetize.shield.ShieldStore shieldStore = dev.monetize.shield.ShieldStore.inMemory();

    /** Where cached answers live (default in memory; a {@link RedisResponseCache} shares them across processes). */
    public Builder responseCache(dev.monetize.cache.ResponseCache cache) {
      this.responseCache = Objects.requireNonNull(cache);
      return this;
    }

    /** Where limit state lives (default in memory; a {@link RedisLimiterStore} shares it across processes). */
    public Builder limiterStore(LimiterStore store) {
      this.limiterStore = Objects.requireNonNull(store);
      if (store instanceof AutoCloseable c) {
        resources.add(c);
      }
      return this;
    }

    /** The port; 0 picks a free one. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Plans and operations other than the shipped ones (tests use tiny quotas). */
    public Builder catalog(Catalog catalog) {
      this.catalog = Objects.requireNonNull(catalog);
      return this;
    }

    /** Where usage goes. */
    public Builder usageSink(UsageSink usageSink) {
      this.usageSink = Objects.requireNonNull(usageSink);
      return this;
    }

    /** Where wallet entries and plan changes live (default in memory; {@link PostgresBillingHistory} shares them). */
    public Builder billingHistory(BillingHistory history) {
      this.billingHistory = Objects.requireNonNull(history);
      return this;
    }

    /** Journals usage on disk before each response completes (see {@link DemoService#journal}). */
    public Builder usageJournal(Path directory, FsyncPolicy fsync) {
      this.journal = Optional.of(new DemoService.Journal(directory, fsync));
      return this;
    }

    /** The operator's credential and the tokens' secret every process shares (default: fresh ones). */
    public Builder secrets(DemoSecrets secrets) {
      this.secrets = Objects.requireNonNull(secrets);
      return this;
    }

    private DemoSecrets secrets;

    /** The clock. */
    public Builder timeSource(TimeSource timeSource) {
      this.timeSource = Objects.requireNonNull(timeSource);
      return this;
    }

    /** Builds the engine, issues the demo keys and starts Jetty. */
    public AnalyticsServer start() throws Exception {
      Catalog plans = catalog != null ? catalog : defaultCatalog();
      DemoSecrets shared = secrets != null ? secrets : DemoSecrets.fresh(); // a real service: its secret store
      String operatorKey = shared.operatorKey();
      MonetizeBuilder engine = shared.applyTo(DemoService.engine(operatorKey));
      journal.ifPresent(j -> engine.usageJournal(j.directory(), j.fsync()));
      engine
          .catalog(plans)
          .usageSink(usageSink)
          .timeSource(timeSource)
          .limiterStore(limiterStore)
          .responseCache(responseCache)
          .shieldStore(shieldStore)
          .keyStore(keyStore)
          .customerStore(customerStore)
          .billingHistory(billingHistory)
          .trustedProxies(trustedProxies)
          .auditSink(auditSink)
          .managementLimits(managementLimits);
      stores.configure(engine); // PostgreSQL and Redis, when the environment named them
      EventStore eventStore = stores.events().orElse(this.eventStore);
      Monetize monetize = engine.build();
      Map<String, String> keys = DemoService.issueDemoKeys(monetize, operatorKey);
      Server server = new Server();
      ServerConnector connector = DemoService.jetty(server, port);
      ServletContextHandler context = new ServletContextHandler();
      context.setContextPath("/");
      ProblemPages.install(server, context, monetize); // Jetty's own errors as problem JSON too
      // GET /metrics: Prometheus text of the engine's meters, behind the operator's credential
      io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry =
          new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
              io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
      new dev.monetize.micrometer.MonetizeMetrics(monetize).bindTo(registry);
      context.addFilter(new FilterHolder(new MonetizeFilter(monetize, UnmatchedRoutes.NOT_FOUND)
          .operatorOnly(MetricsServlet.PATH)), "/*", EnumSet.of(DispatcherType.REQUEST));
      context.addServlet(new org.eclipse.jetty.ee10.servlet.ServletHolder(new MetricsServlet(registry)), MetricsServlet.PATH);
      Clock clock = Clock.systemUTC();
      AnalyticsServlets.register(context, eventStore, clock, monetize);
      DemoService.serve(server, context); // bodies gathered before a thread runs the application
      try {
        server.start();
      } catch (Exception e) {
        monetize.close();
        throw e;
      }
      return new AnalyticsServer(server, monetize, java.util.Collections.unmodifiableMap(keys), connector.getLocalPort(),
          List.copyOf(resources));
    }
  }
}
