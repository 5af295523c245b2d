package dev.monetize.examples.analytics.jaxrs;

import dev.monetize.Monetize;
import dev.monetize.MonetizeBuilder;
import dev.monetize.TimeSource;
import dev.monetize.config.ConfigException;
import dev.monetize.examples.analytics.DemoSecrets;
import dev.monetize.examples.analytics.DemoService;
import dev.monetize.examples.analytics.DemoStores;
import dev.monetize.examples.analytics.domain.EventStore;
import dev.monetize.jaxrs.ManagementResource;
import dev.monetize.jaxrs.MonetizeExceptionMapper;
import dev.monetize.jaxrs.MonetizeFeature;
import dev.monetize.jaxrs.MonetizeJaxrs;
import dev.monetize.jaxrs.OpenApiResource;
import dev.monetize.metering.FsyncPolicy;
import dev.monetize.metering.UsageSink;
import dev.monetize.plans.Catalog;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import dev.monetize.http.TrustedProxies;
import dev.monetize.jaxrs.PeerAddress;
import dev.monetize.management.ManagementLimits;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.jersey.servlet.ServletContainer;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;

/**
 * The example analytics service as annotated JAX-RS resources on Jersey, run as a servlet on
 * embedded Jetty 12 (the server it would be deployed on), with the
 * same plans, domain, demo keys and contract as the servlet example:
 * {@code java -jar analytics-jaxrs.jar} listens on {@code PORT} (default 8080), prints
 * {@code demo key <plan>: <secret>} per plan and for {@code admin}, then {@code listening on <port>}.
 */
public final class AnalyticsJaxrsServer implements AutoCloseable {

  private final Server server;
  private final ServerConnector connector;
  private final Monetize monetize;
  private final Map<String, String> demoKeys;
  private final DemoStores stores;

  private AnalyticsJaxrsServer(Server server, ServerConnector connector, Monetize monetize,
      Map<String, String> demoKeys, DemoStores stores) {
    this.server = server;
    this.connector = connector;
    this.monetize = monetize;
    this.demoKeys = demoKeys;
    this.stores = stores;
  }

  /** Starts the service from the command line. */
  public static void main(String[] args) throws Exception {
    java.util.OptionalInt parsed = DemoService.port(System.getenv("PORT"));
    if (parsed.isEmpty()) {
      System.exit(2);
      return;
    }
    int port = parsed.getAsInt();
    AnalyticsJaxrsServer app;
    try {
      Builder builder = builder().port(port);
      // usage journaled on disk before each response completes: kill -9 loses no answered call
      DemoService.journal(System.getenv()).ifPresent(j -> builder.usageJournal(j.directory(), j.fsync()));
      builder.trustedProxies(DemoService.trustedProxies(System.getenv()));
      builder.secrets(DemoSecrets.fromEnvironment(System.getenv()));
      // PostgreSQL and Redis when the environment names them (MONETIZE_JDBC_URL, MONETIZE_REDIS_URL, ...)
      builder.stores(DemoStores.fromEnvironment(System.getenv()));
      app = builder.start();
    } catch (ConfigException | IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException
        | java.sql.SQLException e) {
      System.err.println("cannot start: " + e.getMessage());
      System.exit(2);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(app::close, "shutdown"));
    DemoService.announce(app.demoKeys(), app.port());
  }

  /** The plans shipped with the example (shared with the servlet example). */
  public static Catalog defaultCatalog() {
    return DemoService.plans();
  }

  /** Starts a builder (port 8080, the shipped plans, in-memory everything). */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Everything the application registers, for any JAX-RS implementation: the resources, the
   * feature, the exception mappers, the OpenAPI document and the management API.
   */
  public static List<Object> components(Monetize monetize, EventStore store, Clock clock) {
    store.onChange(tenant -> monetize.cache().invalidate(tenant, "stats")); // its summary says something new now
    return List.of(new AnalyticsResource(store, clock), new AnalyticsV0Resource(store), new MonetizeFeature(monetize),
        new MonetizeExceptionMapper(monetize), new ProblemMappers.BadInput(monetize),
        new ProblemMappers.TooLarge(monetize), new ProblemMappers.Unavailable(monetize), new OpenApiResource(monetize), new ManagementResource(monetize),
        new MetricsResource(monetize));
  }

  /**
   * The Jersey application: resources registered as classes, with the engine, store and clock as
   * application properties (Jersey warns about resource instances), providers as instances.
   */
  public static ResourceConfig jersey(Monetize monetize, EventStore store, Clock clock) {
    store.onChange(tenant -> monetize.cache().invalidate(tenant, "stats")); // its summary says something new now
    MetricsResource.bind(monetize); // every request counted from the start, not from the first scrape
    return new ResourceConfig()
        .property(ServerProperties.WADL_FEATURE_DISABLE, true) // WADL needs JAXB, which this service has not
        .property(MonetizeJaxrs.ENGINE_PROPERTY, monetize)
        .property(AnalyticsResource.STORE_PROPERTY, store)
        .property(AnalyticsResource.CLOCK_PROPERTY, clock)
        .register(AnalyticsResource.class)
        .register(AnalyticsV0Resource.class)
        .register(OpenApiResource.class)
        .register(ManagementResource.class)
        .register(MetricsResource.class)
        .register(new MonetizeFeature(monetize))
        .register(new MonetizeExceptionMapper(monetize))
        .register(new ProblemMappers.BadInput(monetize))
        .register(new ProblemMappers.TooLarge(monetize))
        .register(new ProblemMappers.Unavailable(monetize));
  }

  /** Issues the demo keys (see {@link DemoService#issueDemoKeys}); {@code admin} is {@code operatorKey}. */
  public static Map<String, String> issueDemoKeys(Monetize monetize, String operatorKey) {
    return DemoService.issueDemoKeys(monetize, operatorKey);
  }

  /** The port listened on. */
  public int port() {
    return connector.getLocalPort();
  }

  /** Demo secrets by plan, then {@code admin}. */
  public Map<String, String> demoKeys() {
    return demoKeys;
  }

  /** The engine. */
  public Monetize monetize() {
    return monetize;
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("Jetty did not stop: " + e.getMessage(), e);
    } finally {
      MetricsResource.forget(monetize);
      monetize.close();
      stores.close();
    }
  }

  /** Options of the example service. */
  public static final class Builder {
    private int port = 8080;
    private Catalog catalog;
    private UsageSink usageSink = UsageSink.inMemory();
    private TimeSource timeSource = TimeSource.system();
    private Optional<DemoService.Journal> journal = Optional.empty();
    private TrustedProxies trustedProxies = TrustedProxies.none();
    private ManagementLimits managementLimits = ManagementLimits.defaults();
    private dev.monetize.audit.AuditSink auditSink = dev.monetize.audit.AuditSink.inMemory(); // searchable: GET /monetize/audit

    private Builder() {}
    private EventStore eventStore = EventStore.inMemory();
    private DemoStores stores = DemoStores.inMemory();

    /** The stores of {@link DemoStores} (PostgreSQL, Redis), in place of the in-memory ones; closed with the service. */
    public Builder stores(DemoStores stores) {
      this.stores = Objects.requireNonNull(stores);
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

    /** The port; 0 picks a free one. */
    public Builder port(int p) {
      this.port = p;
      return this;
    }

    /** Plans (and operations) other than the shipped ones. */
    public Builder catalog(Catalog c) {
      this.catalog = Objects.requireNonNull(c);
      return this;
    }

    /** Where usage goes. */
    public Builder usageSink(UsageSink sink) {
      this.usageSink = Objects.requireNonNull(sink);
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
    public Builder timeSource(TimeSource t) {
      this.timeSource = Objects.requireNonNull(t);
      return this;
    }

    /** Builds the engine from the plans and the annotated resources, issues demo keys, starts Jersey. */
    public AnalyticsJaxrsServer start() {
      Catalog plans = catalog != null ? catalog : defaultCatalog();
      DemoSecrets shared = secrets != null ? secrets : DemoSecrets.fresh(); // a real service: its secret store
      String operatorKey = shared.operatorKey();
      MonetizeBuilder engine = shared.applyTo(DemoService.engine(operatorKey));
      journal.ifPresent(j -> engine.usageJournal(j.directory(), j.fsync()));
      engine
          .catalog(MonetizeJaxrs.catalog(plans, AnalyticsResource.class, AnalyticsV0Resource.class))
          // the bodies' types from the resources' annotations, as every variant documents them
          .apiSchemas(MonetizeJaxrs.schemas(DemoService.json(), AnalyticsResource.class, AnalyticsV0Resource.class)
              .toBuilder().example("stats.summary", DemoService.summaryExample()).build())
          .usageSink(usageSink)
          .timeSource(timeSource)
          .trustedProxies(trustedProxies)
          .auditSink(auditSink)
          .managementLimits(managementLimits);
      stores.configure(engine); // PostgreSQL and Redis, when the environment named them
      Monetize monetize;
      Map<String, String> keys;
      try {
        monetize = engine.build();
        try {
          keys = issueDemoKeys(monetize, operatorKey);
        } catch (RuntimeException e) {
          monetize.close();
          throw e;
        }
      } catch (RuntimeException e) { // what the stores opened goes with the failed start
        stores.close();
        throw e;
      }
      ResourceConfig config = jersey(monetize, stores.events().orElse(eventStore), Clock.systemUTC());
      Server server = new Server();
      ServerConnector connector = DemoService.jetty(server, port);
      ServletContextHandler context = new ServletContextHandler();
      dev.monetize.examples.analytics.ProblemPages.install(server, context, monetize); // Jetty's own errors as JSON
      // JAX-RS does not tell client addresses by itself: the servlet filter hands the peer over
      context.addFilter(new FilterHolder(PeerAddress.servletFilter()), "/*", EnumSet.of(DispatcherType.REQUEST));
      context.addServlet(new ServletHolder(new ServletContainer(config)), "/*");
      DemoService.serve(server, context); // bodies gathered before a thread runs the application
      try {
        server.start();
      } catch (Exception e) {
        monetize.close();
        stores.close();
        try {
          server.stop();
        } catch (Exception ignored) {
          // the start failed: nothing more to release
        }
        throw new java.io.UncheckedIOException("cannot listen on port " + port,
            e instanceof java.io.IOException io ? io : new java.io.IOException(e.getMessage(), e));
      }
      return new AnalyticsJaxrsServer(server, connector, monetize, keys, stores);
    }
  }
}
