package dev.monetize;

import dev.monetize.shield.internal.Shield;
import dev.monetize.audit.internal.AsyncAuditDispatcher;
import dev.monetize.billing.AccountReports;
import dev.monetize.billing.WalletService;
import dev.monetize.billing.internal.Reports;
import dev.monetize.billing.internal.Wallets;
import dev.monetize.errors.ErrorCode;
import dev.monetize.errors.Problem;
import dev.monetize.http.RouteTable;
import dev.monetize.http.TrustedProxies;
import dev.monetize.http.UndeclaredMethods;
import dev.monetize.keys.CustomerService;
import dev.monetize.keys.IssuedKey;
import dev.monetize.keys.KeyEnvironment;
import dev.monetize.keys.KeyService;
import dev.monetize.keys.internal.Credentials;
import dev.monetize.keys.internal.CustomerRegistry;
import dev.monetize.keys.internal.KeyRegistry;
import dev.monetize.management.ManagementApi;
import dev.monetize.management.internal.ManagementRouter;
import dev.monetize.metering.internal.UsagePipeline;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.tokens.Tokens;
import java.util.Optional;
import java.util.Set;

/**
 * The Monetize engine: one instance per service, shared by all requests. It runs the admission
 * pipeline (identify the key, then its {@link AdmissionStage stages}: authorize, ...; the limits
 * last), and meters and audits each completed request. Adapters (servlet filter, JAX-RS filters)
 * only translate HTTP to these calls. Everything else is a capability service reached from here:
 * {@link #keys()}, {@link #customers()}, {@link #wallet()}, {@link #reports()}, {@link #tokens()},
 * {@link #managementApi()}, {@link #metrics()}.
 *
 * <pre>{@code
 * Monetize monetize = Monetize.builder()
 *     .catalog(CatalogLoader.load(Path.of("plans.yaml")))
 *     .environment(KeyEnvironment.LIVE)
 *     .build();
 * monetize.customers().save(Customer.of("acme", "pro"));
 * IssuedKey key = monetize.keys().issue("acme", Set.of("*"));
 * }</pre>
 *
 * <p>Every moving part is an SPI with an in-memory default (key store, customer store, limiter
 * store, usage sink, audit sink, time source), injected through the {@link MonetizeBuilder}. Close
 * it on shutdown to flush usage and audit.
 */
public final class Monetize implements AutoCloseable {
  private final Catalog catalog;
  private final RouteTable routes;
  private final AsyncAuditDispatcher audit;
  private final dev.monetize.events.internal.EventOutbox events;
  private final dev.monetize.billing.internal.PlanScheduler plans;
  private final InsightStage insight;
  private final OperatorGate operatorGate;
  private final TimeSource timeSource;
  private final KeyEnvironment environment;
  private final UsagePipeline usage;
  private final LimitStep limits;
  private final InFlightPlanChanges inFlightPlanChanges;
  private final Tokens tokens;
  /** The key store's watch of other processes' key changes (closed with the engine). */
  private final AutoCloseable keyWatch;
  private final Identification identification;
  private final KeyRegistry keys;
  private final CustomerRegistry customers;
  private final Wallets wallet;
  private final Reports reports;
  private final TrustedProxies trustedProxies;
  private final String managementPrefix;
  private final ManagementApi management;
  private final ServiceDocs docs;
  private final AdmissionPipeline pipeline;
  private final Caching caching;
  private final Shield shield;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Monetize.class);
  private final UndeclaredMethods undeclaredMethods;
  private final boolean publishDocs;
  private final boolean compression;

  Monetize(MonetizeBuilder b) {
    this.catalog = b.catalog;
    this.routes = RouteTable.of(b.catalog.operations());
    this.limits = new LimitStep(b.catalog, b.limiterStore, b.overloadSignal, b.overloadSignal != null,
        b.overloadRetryAfter.toSeconds(), QuotaRestore.of(b, this::recoveredTotals));
    this.environment = b.environment;
    Credentials credentials = new Credentials(b.keyStore, b.hasher, b.keyCacheTtl, b.keyCacheTtl, 100_000,
        b.timeSource::epochNanos);
    this.tokens = b.tokens != null ? b.tokens : Tokens.defaults();
    dev.monetize.keys.CustomerStore customerStore = b.customerStore;
    // admission reads customers through the key cache's TTL; everything else reads and writes the store
    dev.monetize.keys.internal.CachedCustomers admitted = new dev.monetize.keys.internal.CachedCustomers(
        b.customerStore, b.keyCacheTtl, b.timeSource);
    dev.monetize.billing.internal.DuePlans duePlans = new dev.monetize.billing.internal.DuePlans();
    this.identification = new Identification(b.catalog, admitted, duePlans, credentials, tokens,
        b.environment, b.timeSource, Optional.ofNullable(b.operatorKey).map(credentials::hash));
    this.keys = new KeyRegistry(b.keyStore, customerStore, b.catalog, credentials, b.environment, b.random,
        b.timeSource, b.maxRotationOverlap);
    this.inFlightPlanChanges = new InFlightPlanChanges(b.catalog, limits, b.timeSource::epochNanos,
        this::usagePipeline, duePlans); // the pipeline is read once a change is made, after the engine is built
    this.customers = new CustomerRegistry(customerStore, b.catalog, b.billingHistory, b.timeSource,
        inFlightPlanChanges::planChanged, admitted::forget, inFlightPlanChanges);
    this.wallet = new Wallets(customerStore, b.billingHistory, new Wallets.Balances() {
      @Override
      public dev.monetize.limits.CreditEntry apply(String customerId, String entryId, long micros) {
        return limits.applyCredits(customerId, entryId, micros);
      }

      @Override
      public long balance(String customerId) {
        return limits.credits(customerId);
      }
    }, b.timeSource,
        Optional.ofNullable(b.lowCreditsThreshold), b.lowCreditsListener);
    // a final invoice reads every node's totals (a shared ledger), or this node's with a history of its own
    int lookBack = b.usageSink instanceof dev.monetize.metering.UsageTotals ? 12 : b.billingHistory.shared() ? 0 : 1;
    b.catalog.warnings().forEach(w -> LOG.warn("plans: {}", w));
    this.reports = new Reports(b.catalog, this::settledTotals, this::usageComplete, b.billingHistory, wallet,
        limits::peek, b.timeSource, b.invoiceGrace, lookBack);
    this.trustedProxies = b.trustedProxies;
    this.timeSource = b.timeSource;
    this.insight = new InsightStage(b.catalog);
    this.managementPrefix = b.managementPrefix;
    this.docs = new ServiceDocs(catalog, b.apiTitle, b.apiVersion, b.docsBase, b.apiSchemas);
    this.undeclaredMethods = b.undeclaredMethods;
    this.publishDocs = b.publishDocs;
    this.compression = b.compression;
    // last: what starts threads or takes the journal's lock, closed again should anything after it fail
    this.usage = new UsagePipeline(b.usageSink, b.timeSource, Optional.ofNullable(b.journalDir), b.fsync,
        b.usageFlushInterval, customerStore::find, (id, from, to) -> b.billingHistory.planChanges(id, from, to)
            .stream().map(dev.monetize.billing.PlanChange::since).toList());
    usage.meter().beforeTake(inFlightPlanChanges::passDue); // before any change is expected: none is due yet
    this.events = new dev.monetize.events.internal.EventOutbox(b.eventSource, b.eventTransport,
        new dev.monetize.billing.internal.FileDeadLetters(b.journalDir == null ? null : b.journalDir.resolve("events")),
        b.eventListener);
    this.plans = new dev.monetize.billing.internal.PlanScheduler(customers, b.billingHistory, b.timeSource, events,
        b.catalog, this::settledTotals, duePlans);
    limits.suggestions(c -> plans.suggestion(c).map(dev.monetize.billing.internal.PlanScheduler.Suggestion::plan));
    this.audit = new AsyncAuditDispatcher(b.auditSink, b.auditQueueCapacity, AuditWiring.overflow(b),
        Optional.ofNullable(b.journalDir).map(d -> d.resolve("audit-spill")), AuditWiring.queryRedaction(b));
    audit.clock(b.timeSource::now); // counted refusals are stamped with it: their minutes end on it too
    try {
      this.caching = new Caching(b.responseCache, b.timeSource, b.compression, b.springSecurityCacheHeaders);
      this.shield = new Shield(catalog.shield(), b.shieldStore, b.timeSource::epochNanos,
          ban -> LOG.warn("address {} banned until {} after repeated authentication failures (strike {})",
              ban.address(), ban.until(), ban.strikes()));
      this.pipeline = new AdmissionPipeline(identification, shield, new AdmissionStage[] {new Authorization(catalog),
          new MeterStage(usage.meter(), inFlightPlanChanges), insight, new AuditStage(audit)}, limits, wallet, b.timeSource, b.docsBase,
          b.legacyRateLimitHeaders, b.measuresCpuTime(), caching, catalog, new QuotaWarnings(b.quotaWarnings, events));
      this.operatorGate = new OperatorGate(shield, identification, b.timeSource, pipeline);
      this.management = new ManagementRouter(new ManagementBridge(b.docsBase, catalog, customers, keys, wallet, caching,
          reports, tokens, environment, b.timeSource, b.random, b.limiterStore, managementPrefix, identification,
          audit, publishDocs, shield, b.auditSink instanceof dev.monetize.audit.AuditStore store
              ? Optional.of(store) : Optional.empty(), new dev.monetize.insight.internal.Analytics(catalog,
                  customerStore, b.billingHistory, this::settledTotals, insight.sla(), insight.customers(),
                  b.timeSource::now),
              plans, credentials),
          b.managementLimits);
      this.keyWatch = b.keyStore.watch(credentials.changes()); // another process's revocation, at once
      events.start(); // last: what the first sweep published reaches the listener once the engine exists
    } catch (RuntimeException e) {
      audit.close();
      usage.close();
      plans.close(); // before the outbox: what a sweep under way publishes still goes out
      events.close();
      throw e;
    }
  }

  private dev.monetize.metering.internal.UsagePipeline usagePipeline() {
    return usage;
  }

  private dev.monetize.metering.UsageTotals recoveredTotals() {
    return usage.recoveredTotals();
  }

  private boolean usageComplete() { // whether the totals hold every call recorded here: a final invoice waits for it
    return usage.complete();
  }

  private dev.monetize.metering.UsageTotals settledTotals() {
    return usage.settledTotals();
  }

  /** Starts a builder. The catalog is required; everything else has an in-memory default. */
  public static MonetizeBuilder builder() {
    return new MonetizeBuilder();
  }

  /** The plans and operations. */
  public Catalog catalog() {
    return catalog;
  }

  /** The operation a request targets, if any route matches. */
  public Optional<Operation> route(String method, String path) {
    return routes.match(method, path);
  }

  /**
   * The operation for a request with the {@code Api-Version} header {@code apiVersionOrNull}: on a
   * route whose versions that header chooses, the one it names (empty when it names none:
   * {@link #versionsOn}), and without it the current one; elsewhere the header plays no part.
   */
  public Optional<Operation> route(String method, String path, String apiVersionOrNull) {
    return routes.match(method, path, apiVersionOrNull);
  }

  /** The versions the {@code Api-Version} header chooses among on this route (empty: none). */
  public java.util.SortedSet<String> versionsOn(String method, String path) {
    return routes.versionsOn(method, path);
  }

  /**
   * The {@code Allow} value of the {@code 405} an adapter answers when {@code method} is not
   * declared on the monetized route {@code path} and the engine refuses such requests
   * ({@link MonetizeBuilder#undeclaredMethods}); empty when the method is declared or is
   * {@code OPTIONS} (a CORS preflight, which the unmatched-route policy answers), the path is no
   * route, or the policy passes such requests through.
   */
  public Optional<String> undeclaredMethod(String method, String path) {
    if (undeclaredMethods == UndeclaredMethods.PASS_THROUGH || method.equals("OPTIONS")
        || routes.match(method, path).isPresent()) { // OPTIONS: a CORS preflight carries no credential
      return Optional.empty();
    }
    java.util.SortedSet<String> declared = routes.methodsOn(path);
    return declared.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", declared));
  }

  /** The methods the catalog monetizes on {@code path} (empty: the path is no monetized route). */
  public java.util.SortedSet<String> methodsOn(String path) {
    return routes.methodsOn(path);
  }

  /**
   * For a path that is a monetized route but for a trailing slash, the route: adapters answer it
   * {@code 404} whatever their policy for unmatched routes, so such a request is neither metered
   * (the application may not serve it) nor passed through for free (it may).
   */
  public Optional<String> routeWithoutTrailingSlash(String method, String path) {
    return routes.withoutTrailingSlash(method, path);
  }

  /** Whether the adapters compress answers for clients that take gzip ({@link MonetizeBuilder#compression}). */
  public boolean compresses() {
    return compression;
  }

  /** Whether the API reference and price list are published to anyone ({@link MonetizeBuilder#publishDocs}). */
  public boolean publishesDocs() {
    return publishDocs;
  }

  /**
   * Runs the admission pipeline for one request: identify, authorize, limit. Never throws for any
   * request content; a failing store is answered as {@code internal}.
   */
  public Admission admit(Operation operation, ApiRequest request) {
    return pipeline.admit(operation, request);
  }

  /**
   * Identifies the caller of {@code request} (key or token) as the first step of admission does,
   * without authorizing or limiting: for endpoints of your own that only need to know who calls.
   */
  public Decision authenticate(ApiRequest request, Operation asOperation) {
    Decision d = identification.identify(asOperation, request);
    if (d.principal().filter(Principal::operator).isPresent()) { // no customer: nothing of yours to serve it
      return Decision.refuse(ErrorCode.SCOPE_DENIED, "The operator credential manages the service (/monetize/*); "
          + "it is no customer. Call with a customer's key.", Optional.empty(), asOperation);
    }
    return d;
  }

  /**
   * Whether {@code request} carries the operator's credential (the scope {@code monetize:admin}):
   * for endpoints of your own that only the operator may read, such as {@code /metrics}. The
   * shield applies as to any request, and a failed authentication is a strike against the client.
   *
   * @return the answer to send instead (problem JSON: 401 with {@code WWW-Authenticate} for a
   *     missing or bad credential, 403 for another's, the shield's refusal with {@code Retry-After}),
   *     or empty when the operator calls
   */
  public Optional<ManagementApi.Response> refuseUnlessOperator(ApiRequest request) {
    return operatorGate.refuse(request);
  }

  /**
   * The shield's refusal of {@code request}'s client address (a denied network, a ban, the budget of
   * failed attempts spent), for an adapter about to answer a request to a monetized route itself,
   * before admitting it (a version the route does not offer, a method, a body too large, a repeated
   * credential header): a refused address learns nothing about the route. Nothing is charged.
   *
   * @return the answer to send instead (problem JSON with {@code Retry-After} when the refusal lapses),
   *     or empty when the shield lets the address through
   */
  public Optional<ManagementApi.Response> refuseByShield(ApiRequest request) {
    return operatorGate.shield(request);
  }

  /** A problem of {@code code} for this deployment's docs base. */
  public Problem problem(ErrorCode code, String detail, String requestId) {
    return pipeline.problem(code, detail, requestId);
  }

  /**
   * The problem of an answer the HTTP server makes itself with {@code status} before any filter runs
   * (a request it cannot parse, a URI too long...), for an adapter's server-level error pages: its code
   * from {@link ErrorCode#forServerStatus}, a detail that echoes nothing of the request; empty for a
   * status no code has (answer those as an {@code about:blank} problem).
   */
  public Optional<Problem> serverProblem(int status, String requestId) {
    return ErrorCode.forServerStatus(status).map(code -> problem(code, code == ErrorCode.BAD_REQUEST
        ? "The server could not read this request (its path, headers or body); send it well-formed."
        : code.title() + ".", requestId));
  }

  /**
   * The problem JSON of an answer with {@code status} and no body of its own (a server's error page,
   * an application's {@code sendError}): {@link #serverProblem}'s when a code has the status, else
   * an {@code about:blank} problem titled with the status's reason. Echoes nothing of the request.
   */
  public byte[] statusProblemJson(int status, String requestId) {
    return serverProblem(status, requestId).map(dev.monetize.errors.ProblemJson::toBytes)
        .orElseGet(() -> dev.monetize.errors.ProblemJson.aboutBlank(status));
  }

  /** Whether the legacy {@code X-RateLimit-*} headers are sent too. */
  public boolean legacyRateLimitHeaders() {
    return pipeline.legacyRateLimitHeaders();
  }

  /**
   * Whether any proxy is trusted: when none is, adapters need not read the forwarding headers at all
   * ({@link #clientAddress} is then the peer).
   */
  public boolean trustsProxies() {
    return trustedProxies.any();
  }

  /**
   * Whether the browser's request came over HTTPS: the connection says so ({@code direct}), or a
   * trusted proxy in front of it ({@code peer}) says it was: {@code X-Forwarded-Proto: https} or
   * {@code Forwarded: proto=https} (either may be null) for any hop: where proxies append to the header,
   * the answer errs on the side of a {@code Secure} cookie. A proxy that is not trusted is not believed.
   */
  public boolean secureRequest(boolean direct, String peer, String forwarded, String forwardedProto) {
    return direct || trustedProxies.saysHttps(peer, forwarded, forwardedProto);
  }

  /**
   * The client address of a request as adapters should report it: the connection's peer, or, when
   * the peer is a trusted proxy ({@link MonetizeBuilder#trustedProxies}), the first untrusted hop of
   * {@code Forwarded} / {@code X-Forwarded-For} from the right.
   *
   * @param peer the connection's remote address
   * @param forwardedOrNull the {@code Forwarded} header, or null
   * @param xForwardedForOrNull the {@code X-Forwarded-For} header, or null
   */
  public String clientAddress(String peer, String forwardedOrNull, String xForwardedForOrNull) {
    if (!trustedProxies.any()) {
      return peer == null ? "" : peer; // the common case: no Optional, nothing allocated
    }
    return trustedProxies.clientAddress(peer == null ? "" : peer, Optional.ofNullable(forwardedOrNull),
        Optional.ofNullable(xForwardedForOrNull));
  }

  /** The key environment this deployment accepts. */
  public KeyEnvironment environment() {
    return environment;
  }

  /** Invalidation of cached answers by tag ({@link dev.monetize.plans.CachePolicy}). */
  public dev.monetize.cache.CacheService cache() {
    return caching;
  }

  /** Keys and projects: issue, find, list, rotate, revoke, with the same checks as the management API. */
  public KeyService keys() {
    return keys;
  }

  /** Customers (organizations) and their plans. */
  public CustomerService customers() {
    return customers;
  }

  /** Prepaid wallets: top-ups, deductions, history, balances. */
  public WalletService wallet() {
    return wallet;
  }

  /** Usage reports and draft invoices of a customer's current billing period. */
  public AccountReports reports() {
    return reports;
  }

  /** The engine's counters at this moment (requests in flight, refusals without a store lookup...). */
  public MetricsSnapshot metrics() {
    dev.monetize.limits.StoreCounters store = limits.storeCounters();
    return new MetricsSnapshot(limits.inFlight(), limits.storeOutages(), limits.shedRequests(),
        identification.malformedKeyRefusals(), audit.dropped(), caching.hits(), caching.misses(), caching.stores(),
        shield.denied(), shield.banned(), shield.rateLimited(), shield.bansIssued(), limits.storeCalls(),
        store.fallbackDecisions(), usage.meter().pendingRecords(), usage.meter().sinkFailures(),
        usage.meter().nanosSinceDelivery() / 1_000_000, audit.queued(), audit.spilled(), audit.sinkFailures(),
        events.dropped(), store.lateChargesReturned(), store.lateChargesStanding());
  }

  /**
   * Tells {@code listener} of every completed request (plan, operation, outcome, status, duration):
   * how metrics systems see the engine ({@code MonetizeMetrics} for Micrometer).
   */
  public void addRequestListener(dev.monetize.insight.RequestListener listener) {
    insight.add(java.util.Objects.requireNonNull(listener, "listener"));
  }

  /** Stops telling {@code listener}. */
  public void removeRequestListener(dev.monetize.insight.RequestListener listener) {
    insight.remove(listener);
  }

  /** The token service (mint, verify, rotate signing keys). */
  public Tokens tokens() {
    return tokens;
  }

  /** The path prefix of the management API (default {@code /monetize}). */
  public String managementPrefix() {
    return managementPrefix;
  }

  /**
   * The OpenAPI 3.1 document of this service, generated from the catalog (JSON), for adapters to
   * serve at {@code /openapi.json}. Computed once.
   */
  public String openApiJson() {
    return docs.json();
  }

  /** The same document as YAML, for {@code /openapi.yaml}. */
  public String openApiYaml() {
    return docs.yaml();
  }

  /** The management API (organizations, projects, keys, tokens), for adapters to serve under {@link #managementPrefix()}. */
  public ManagementApi managementApi() {
    return management;
  }

  /** Delivers all usage recorded so far to the usage sink; true when nothing is left pending. */
  public boolean flushUsage() {
    return usage.flush();
  }

  /** Delivers all queued audit events to the audit sink on the calling thread. */
  public void flushAudit() {
    audit.flush();
  }

  /**
   * Stops the background threads after a last flush of usage and audit. With a journal, usage the
   * sink still refuses stays in the journal for the next start.
   */
  @Override
  public void close() {
    try {
      keyWatch.close();
    } catch (Exception e) {
      LOG.warn("stopping the key store's watch failed: {}", e.toString());
    }
    shield.close();
    usage.close();
    audit.close();
    plans.close();
    events.close();
  }

  /**
   * Evaluates the plans file's tier rules now (a background pass does it once an hour); returns how
   * many customers a rule acted on.
   */
  public int evaluateTierRules() {
    return plans.evaluateTierRules();
  }

  /** Puts every customer whose scheduled plan change has come due on its new plan now (a sweep does it every 10 s). */
  public void applyDuePlanChanges() {
    plans.sweep();
  }

  /** Delivers the lifecycle events queued so far (quota thresholds, plan changes), on the calling thread. */
  public void flushEvents() {
    events.flush();
  }
}
