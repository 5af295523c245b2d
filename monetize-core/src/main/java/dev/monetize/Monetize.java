package dev.monetize;

import dev.monetize.audit.AuditEvent;
import dev.monetize.audit.AuditOverflow;
import dev.monetize.audit.internal.AsyncAuditDispatcher;
import dev.monetize.errors.ErrorCode;
import dev.monetize.errors.Problem;
import dev.monetize.http.RouteTable;
import dev.monetize.keys.ApiKey;
import dev.monetize.keys.ApiKeys;
import dev.monetize.keys.CustomerStore;
import dev.monetize.keys.IssuedKey;
import dev.monetize.keys.KeyEnvironment;
import dev.monetize.keys.KeyStatus;
import dev.monetize.keys.KeyRequest;
import dev.monetize.keys.KeyStore;
import dev.monetize.keys.Redaction;
import dev.monetize.keys.Project;
import dev.monetize.keys.ScopeEscalationException;
import dev.monetize.limits.LimiterStore;
import dev.monetize.openapi.OpenApi;
import dev.monetize.metering.internal.UsageMeter;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Scopes;
import dev.monetize.tokens.Tokens;
import java.math.BigDecimal;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Monetize engine: one instance per service, shared by all requests. It runs the admission
 * pipeline (identify the key, authorize the operation, check the limits), then meters and audits
 * each completed request. Adapters (servlet filter, JAX-RS filters) only translate HTTP to these
 * calls.
 *
 * <pre>{@code
 * Monetize monetize = Monetize.builder()
 *     .catalog(CatalogLoader.load(Path.of("plans.yaml")))
 *     .environment(KeyEnvironment.LIVE)
 *     .build();
 * monetize.saveCustomer(Customer.of("acme", "pro"));
 * IssuedKey key = monetize.issueKey("acme", Set.of("*"));
 * }</pre>
 *
 * <p>Every moving part is an SPI with an in-memory default (key store, customer store, limiter
 * store, usage sink, audit sink, time source), injected through the {@link MonetizeBuilder}. Close it on
 * shutdown to flush usage and audit.
 */
public final class Monetize implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Monetize.class);

  private final Catalog catalog;
  private final RouteTable routes;
  private final KeyStore keys;
  private final CustomerStore customers;
  private final LimiterStore limiter;
  private final UsageMeter meter;
  private final AsyncAuditDispatcher audit;
  private final TimeSource time;
  private final KeyEnvironment environment;
  private final URI docsBase;
  private final boolean legacyHeaders;
  private final SecureRandom random;
  private final ScheduledExecutorService flusher;
  private final ScheduledExecutorService journalSync;
  private final dev.monetize.metering.internal.UsageJournal journal;
  private final LimitStep limits;
  private final Credentials credentials;
  private final Tokens tokens;
  private final Identification identification;
  /** After identification, in order: each may refuse before the endpoint and act after it. */
  private final AdmissionStage[] stages;
  private final PeriodTotals periodTotals = new PeriodTotals();
  private final Duration maxRotationOverlap;
  private final dev.monetize.http.TrustedProxies trustedProxies;
  private final String managementPrefix;
  private final ManagementApi management;
  private final java.util.function.Supplier<String[]> openApi;
  private final dev.monetize.metering.UsageTotals usageTotals;
  private final BigDecimal lowCreditsThreshold;
  private final boolean measureCpuTime;
  private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
  private final dev.monetize.billing.BillingHistory billingHistory;
  private final Object walletLock = new Object();
  private final java.util.function.Consumer<dev.monetize.billing.CreditsLow> lowCreditsListener;
  private final java.util.concurrent.ConcurrentHashMap<String, Boolean> lowCreditsNotified =
      new java.util.concurrent.ConcurrentHashMap<>();

  Monetize(MonetizeBuilder b) {
    this.catalog = b.catalog;
    this.routes = RouteTable.of(b.catalog.operations());
    this.keys = b.keyStore;
    this.customers = b.customerStore;
    this.limiter = b.limiterStore;
    this.limits = new LimitStep(b.catalog, b.limiterStore, b.overloadSignal, b.overloadSignal != null,
        b.overloadRetryAfter.toSeconds());
    this.time = b.timeSource;
    this.environment = b.environment;
    this.docsBase = b.docsBase;
    this.legacyHeaders = b.legacyRateLimitHeaders;
    this.random = b.random;
    this.credentials = new Credentials(b.keyStore, b.hasher, b.keyCacheTtl, b.keyCacheTtl, 100_000);
    this.tokens = b.tokens != null ? b.tokens : Tokens.defaults();
    this.identification = new Identification(b.catalog, b.customerStore, credentials, tokens, b.environment,
        b.timeSource);
    this.maxRotationOverlap = b.maxRotationOverlap;
    this.trustedProxies = b.trustedProxies;
    this.managementPrefix = b.managementPrefix;
    this.lowCreditsThreshold = b.lowCreditsThreshold;
    this.usageTotals = b.usageSink instanceof dev.monetize.metering.UsageTotals t ? t : null;
    this.lowCreditsListener = b.lowCreditsListener;
    this.billingHistory = b.billingHistory;
    this.measureCpuTime = b.measureCpuTime && THREADS.isCurrentThreadCpuTimeSupported();
    this.management = new ManagementApi(this, b.managementLimits);
    String title = b.apiTitle;
    String version = b.apiVersion;
    java.util.concurrent.atomic.AtomicReference<String[]> doc = new java.util.concurrent.atomic.AtomicReference<>();
    this.openApi = () -> {
      String[] d = doc.get();
      if (d == null) {
        OpenApi api = OpenApi.of(catalog).title(title).version(version).docsBase(docsBase.toString());
        d = new String[] {api.json(), api.yaml()};
        doc.compareAndSet(null, d);
      }
      return d;
    };
    this.journal = b.journalDir == null ? null
        : dev.monetize.metering.internal.UsageJournal.open(b.journalDir, b.fsync, b.timeSource.now());
    this.meter = new UsageMeter(b.usageSink, b.timeSource, Optional.ofNullable(journal));
    this.audit = new AsyncAuditDispatcher(b.auditSink, b.auditQueueCapacity, b.auditOverflow);
    this.stages = new AdmissionStage[] {new Authorization(catalog), new MeterStage(meter, periodTotals),
        new AuditStage(audit)};
    this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "monetize-usage-flusher");
      t.setDaemon(true);
      return t;
    });
    long every = b.usageFlushInterval.toMillis();
    // with a journal, the first flush at once delivers what a previous run left unacknowledged
    flusher.scheduleWithFixedDelay(this::flushQuietly, journal == null ? every : 0, every, TimeUnit.MILLISECONDS);
    if (journal != null && b.fsync.periodic()) {
      this.journalSync = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "monetize-journal-fsync");
        t.setDaemon(true);
        return t;
      });
      long sync = Math.max(1, b.fsync.interval().toMillis());
      journalSync.scheduleWithFixedDelay(this::syncQuietly, sync, sync, TimeUnit.MILLISECONDS);
    } else {
      this.journalSync = null;
    }
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
   * Runs the admission pipeline for one request: identify, authorize, limit. Never throws for any
   * request content; a failing store is answered as {@code internal}.
   */
  public Admission admit(Operation operation, ApiRequest request) {
    long start = time.epochNanos();
    LimitStep.Outcome outcome;
    try {
      outcome = decide(operation, request, start);
    } catch (RuntimeException e) {
      LOG.error("admission of request {} failed", request.requestId(), Redaction.redact(e));
      outcome = refused(Decision.refuse(ErrorCode.INTERNAL, "The request could not be admitted.", Optional.empty(),
          operation));
    }
    if (lowCreditsThreshold != null && outcome.decision().admitted()) {
      noticeLowCredits(outcome.decision());
    }
    return new Admission(this, request, outcome, start);
  }

  /**
   * The usage report of the caller's customer for the current billing period: calls, bytes and
   * compute counted by this JVM, limits as they stand (from the limiter store, shared if it is),
   * prepaid balance, and the running cost at the plan's per-call prices.
   */
  UsageReport usageReport(Principal principal) {
    long now = time.epochNanos();
    PeriodTotals.PeriodUsage u = periodTotals.of(principal.customer(), now);
    java.util.Map<String, Long> byOperation = new java.util.TreeMap<>();
    long requests;
    long bytesIn;
    long bytesOut;
    long computeMillis;
    long cpuMillis;
    if (usageTotals != null) {
      // a shared ledger: every node's calls, as flushed (within the flush interval)
      dev.monetize.metering.UsageTotals.Totals t = usageTotals.totals(principal.customerId(),
          Instant.ofEpochSecond(0, u.start), Instant.ofEpochSecond(0, u.end));
      byOperation.putAll(t.byOperation());
      requests = t.requests();
      bytesIn = t.bytesIn();
      bytesOut = t.bytesOut();
      computeMillis = t.computeMillis();
      cpuMillis = t.cpuMillis();
    } else {
      byOperation.putAll(u.byOperation(Optional.empty()));
      requests = u.requests.sum();
      bytesIn = u.bytesIn.sum();
      bytesOut = u.bytesOut.sum();
      computeMillis = u.micros.sum() / 1_000;
      cpuMillis = u.cpuMicros.sum() / 1_000;
    }
    java.util.Map<String, BigDecimal> cost = new java.util.TreeMap<>();
    for (java.util.Map.Entry<String, Long> e : byOperation.entrySet()) {
      catalog.operation(e.getKey()).flatMap(op -> principal.plan().priceOf(op)).ifPresent(price ->
          cost.merge(price.currency().getCurrencyCode(), price.amount().multiply(BigDecimal.valueOf(e.getValue())),
              BigDecimal::add));
    }
    List<dev.monetize.limits.PolicyState> states = limiter.peek(limits.reportRequests(principal), now);
    Optional<BigDecimal> credits = principal.plan().prepaid()
        ? Optional.of(creditBalance(principal.customerId())) : Optional.empty();
    return new UsageReport(principal, Instant.ofEpochSecond(0, u.start), Instant.ofEpochSecond(0, u.end),
        requests, bytesOut, computeMillis, byOperation, states, credits, cost, time.now(), bytesIn, cpuMillis);
  }

  /**
   * The draft invoice of the caller's customer for the current billing period. The period is cut
   * where the customer's plan changed ({@link dev.monetize.billing.BillingHistory#planChanges}); each
   * part has its plan's fee prorated by the time it covers and one line per operation called on
   * it, at that plan's per-call price (see {@link dev.monetize.billing.Rating}). Operations without
   * a price are listed at zero. Empty when nothing in the period has a price.
   */
  Optional<dev.monetize.billing.Invoice> currentInvoice(Principal principal) {
    long now = time.epochNanos();
    PeriodTotals.PeriodUsage u = periodTotals.of(principal.customer(), now);
    Instant start = Instant.ofEpochSecond(0, u.start);
    Instant end = Instant.ofEpochSecond(0, u.end);
    String customerId = principal.customerId();
    List<dev.monetize.billing.PlanChange> changes = billingHistory.planChanges(customerId, start, end);
    if (changes.isEmpty()) {
      changes = List.of(new dev.monetize.billing.PlanChange(customerId, principal.plan().name(), start));
    }
    boolean split = changes.size() > 1;
    java.time.Duration period = java.time.Duration.between(start, end);
    java.util.Currency currency = null;
    List<dev.monetize.billing.Rating.Usage> lines = new java.util.ArrayList<>();
    java.util.Set<String> plansCounted = new java.util.HashSet<>();
    for (int i = 0; i < changes.size(); i++) {
      dev.monetize.billing.PlanChange c = changes.get(i);
      Instant from = c.since().isBefore(start) ? start : c.since();
      Instant to = i + 1 < changes.size() ? changes.get(i + 1).since() : end;
      if (!to.isAfter(from)) {
        continue;
      }
      Plan plan = catalog.plan(c.plan()).orElse(principal.plan()); // a plan since removed from the catalog
      String on = split ? " on " + plan.name() : "";
      BigDecimal covered = dev.monetize.billing.Rating.covered(java.time.Duration.between(from, to), period);
      if (plan.fee().isPresent()) {
        dev.monetize.plans.Price fee = plan.fee().get();
        currency = sameCurrency(currency, fee.currency(), plan);
        lines.add(new dev.monetize.billing.Rating.Usage("plan " + plan.name() + " fee"
            + (covered.compareTo(BigDecimal.ONE) == 0 ? "" : " (" + from + " to " + to + ")"), 1,
            new dev.monetize.billing.PriceModel.Flat(fee.amount()), covered));
      }
      java.util.Map<String, Long> calls;
      if (usageTotals != null) {
        calls = new java.util.TreeMap<>(usageTotals.totals(customerId, from, to).byOperation());
      } else if (!split) {
        calls = u.byOperation(Optional.empty());
      } else {
        // this JVM counts calls per plan, not per part: a plan's calls go on its first part only
        calls = plansCounted.add(plan.name()) ? u.byOperation(Optional.of(plan.name())) : java.util.Map.of();
      }
      for (java.util.Map.Entry<String, Long> e : calls.entrySet()) {
        Optional<dev.monetize.plans.Price> price = catalog.operation(e.getKey()).flatMap(plan::priceOf);
        if (price.isPresent()) {
          currency = sameCurrency(currency, price.get().currency(), plan);
        }
        BigDecimal unitPrice = price.map(dev.monetize.plans.Price::amount).orElse(BigDecimal.ZERO);
        lines.add(dev.monetize.billing.Rating.Usage.of(e.getKey() + " (" + price.map(dev.monetize.plans.Price::unit)
            .orElse("call") + "s" + on + ")", e.getValue(), new dev.monetize.billing.PriceModel.PerUnit(unitPrice)));
      }
    }
    if (currency == null) {
      return Optional.empty();
    }
    return Optional.of(dev.monetize.billing.Invoice.forPeriod(customerId, principal.customer().billingAnchor(),
        Instant.ofEpochSecond(0, now), currency, lines));
  }

  private static java.util.Currency sameCurrency(java.util.Currency seen, java.util.Currency next, Plan plan) {
    if (seen != null && !seen.equals(next)) {
      throw new IllegalStateException("an invoice prices in more than one currency (" + seen + ", " + next
          + " on plan " + plan.name() + ")");
    }
    return next;
  }

  /** What {@link #usageReport} returns. */
  record UsageReport(Principal principal, Instant periodStart, Instant periodEnd, long requests, long bytesOut,
      long computeMillis, java.util.Map<String, Long> byOperation, List<dev.monetize.limits.PolicyState> limits,
      Optional<BigDecimal> credits, java.util.Map<String, BigDecimal> cost, Instant asOf, long bytesIn,
      long cpuMillis) {}

  /** The prepaid balance left after an admitted call, if the call was charged to one. */
  static Optional<BigDecimal> creditsLeft(Decision d) {
    for (dev.monetize.limits.PolicyState p : d.policies()) {
      if (!p.announced() && !p.violated()) {
        return Optional.of(BigDecimal.valueOf(p.remaining(), 6));
      }
    }
    return Optional.empty();
  }

  /** Whether {@code balance} is below the low-credits threshold (never, when none is set). */
  boolean creditsLow(BigDecimal balance) {
    return lowCreditsThreshold != null && balance.compareTo(lowCreditsThreshold) < 0;
  }

  private void noticeLowCredits(Decision d) {
    Optional<BigDecimal> left = creditsLeft(d);
    if (left.isEmpty() || !creditsLow(left.get())) {
      return;
    }
    String customer = d.principal().orElseThrow().customerId();
    if (lowCreditsNotified.putIfAbsent(customer, Boolean.TRUE) == null) {
      try {
        lowCreditsListener.accept(new dev.monetize.billing.CreditsLow(customer, left.get(), lowCreditsThreshold,
            time.now()));
      } catch (RuntimeException e) {
        LOG.warn("the low-credits listener failed for customer {}: {}", customer, e.toString());
      }
    }
  }

  private static LimitStep.Outcome refused(Decision decision) {
    return new LimitStep.Outcome(decision, List.of(), Optional.empty());
  }

  /**
   * The pipeline before the endpoint: identify, then every stage while admitted, then the limits
   * (last, since they charge).
   */
  private LimitStep.Outcome decide(Operation op, ApiRequest request, long now) {
    Decision d = identification.identify(op, request);
    for (AdmissionStage stage : stages) {
      if (!d.admitted()) {
        return refused(d);
      }
      d = stage.admit(op, request, d);
    }
    if (!d.admitted()) {
      return refused(d);
    }
    return limits.check(d.principal().orElseThrow(), op, request, now);
  }

  /** Step 1: who is calling (see {@link Identification}). */
  Decision identify(Operation op, ApiRequest request) {
    return identification.identify(op, request);
  }

  void complete(Admission admission, LimitStep.Outcome outcome, int status, long bytesIn, long bytesOut, long cpuNanos,
      long startNanos) {
    long duration = Math.max(0, time.epochNanos() - startNanos);
    limits.release(outcome);
    for (AdmissionStage stage : stages) {
      try {
        stage.complete(admission, status, bytesIn, bytesOut, cpuNanos, startNanos, duration);
      } catch (RuntimeException e) {
        LOG.error("completing request {} failed in {}", admission.request().requestId(),
            stage.getClass().getSimpleName(), Redaction.redact(e));
      }
    }
  }

  /** A problem of {@code code} for this deployment's docs base. */
  public Problem problem(ErrorCode code, String detail, String requestId) {
    return Problem.of(code, docsBase, detail, requestId);
  }

  /** Whether the legacy {@code X-RateLimit-*} headers are sent too. */
  public boolean legacyRateLimitHeaders() {
    return legacyHeaders;
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
      return peer == null ? "" : peer;
    }
    return trustedProxies.clientAddress(peer == null ? "" : peer, Optional.ofNullable(forwardedOrNull),
        Optional.ofNullable(xForwardedForOrNull));
  }

  /** The key environment this deployment accepts. */
  public KeyEnvironment environment() {
    return environment;
  }

  /** Adds or updates a customer; its plan must exist. A plan change applies at the next request. */
  public void saveCustomer(Customer customer) {
    if (catalog.plan(customer.plan()).isEmpty()) {
      throw new IllegalArgumentException("customer " + customer.id() + ": plan '" + customer.plan()
          + "' is not defined (plans: " + catalog.plans().stream().map(Plan::name).toList() + ")");
    }
    Optional<Customer> before = customers.find(customer.id());
    customers.save(customer);
    if (before.isEmpty() || !before.get().plan().equals(customer.plan())) {
      billingHistory.recordPlanChange(new dev.monetize.billing.PlanChange(customer.id(), customer.plan(), time.now()));
    }
  }

  /** The customer of that id. */
  public Optional<Customer> customer(String customerId) {
    return customers.find(customerId);
  }

  /**
   * Creates a key for an existing customer in this deployment's environment. The secret in the
   * result is shown once; only its hash is stored.
   */
  public IssuedKey issueKey(String customerId, Set<String> scopes) {
    return issueKey(customerId, scopes, Optional.empty());
  }

  /** Creates a key that expires at {@code expiresAt}. */
  public IssuedKey issueKey(String customerId, Set<String> scopes, Optional<Instant> expiresAt) {
    return issueKey(KeyRequest.of(customerId, scopes).expiresAt(expiresAt));
  }

  /**
   * Creates a key as described. Its scopes must be covered by its project's (if any) and by the
   * organization's plan, else {@link ScopeEscalationException}. Reserved scopes
   * ({@code monetize:*}) are refused: the operator's key comes from {@link #issueOperatorKey}.
   */
  public IssuedKey issueKey(KeyRequest request) {
    return issueKeyAs(request, false);
  }

  /**
   * Creates a key holding the operator's reserved scope {@code monetize:admin} for
   * {@code organizationId} (the organization the deployment's operators belong to). This is the
   * only way a reserved scope enters a key besides the operator itself creating one for its own
   * organization; no wildcard grants it. The secret is shown once.
   */
  public IssuedKey issueOperatorKey(String organizationId) {
    return issueKeyAs(KeyRequest.of(organizationId, Set.of(ManagementApi.OPERATOR_SCOPE)), true);
  }

  /** Issues a key; {@code reservedAllowed} lets reserved scopes past the plan ceiling (operator only). */
  IssuedKey issueKeyAs(KeyRequest request, boolean reservedAllowed) {
    Customer customer = customers.find(request.customerId()).orElseThrow(() ->
        new IllegalArgumentException("customer " + request.customerId() + " does not exist; save it first"));
    if (request.scopes().isEmpty()) {
      throw new IllegalArgumentException("a key needs at least one scope");
    }
    request.scopes().forEach(Scopes::validate);
    Set<String> reserved = Scopes.reservedAmong(request.scopes());
    if (!reserved.isEmpty() && !reservedAllowed) {
      throw new ScopeEscalationException("scopes " + reserved + " are reserved to the operator; issue the "
          + "operator's key with issueOperatorKey");
    }
    Plan plan = catalog.plan(customer.plan()).orElseThrow();
    Set<String> ceiling = plan.scopes();
    if (request.projectId().isPresent()) {
      Project project = keys.findProject(request.projectId().get())
          .filter(p -> p.organizationId().equals(customer.id()))
          .orElseThrow(() -> new IllegalArgumentException("project " + request.projectId().get()
              + " does not exist in organization " + customer.id()));
      ceiling = project.scopes();
    }
    Set<String> escalated = Scopes.uncovered(ceiling, request.scopes());
    escalated.removeAll(reserved);
    if (!escalated.isEmpty()) {
      throw new ScopeEscalationException("scopes " + escalated + " exceed what the "
          + (request.projectId().isPresent() ? "project" : "organization's plan") + " holds (" + ceiling + ")");
    }
    String secret = ApiKeys.newSecret(environment, random);
    ApiKey key = new ApiKey(ApiKeys.newKeyId(random), customer.id(), request.projectId(), credentials.hash(secret),
        request.scopes(), environment, KeyStatus.ACTIVE, time.now(), request.expiresAt(), Optional.empty(),
        Optional.empty(), request.limitOverrides());
    credentials.save(key, Optional.empty());
    return new IssuedKey(key, secret);
  }

  /** Creates a project in an organization; its scopes must be covered by the organization's plan. */
  public Project createProject(String customerId, String name, Set<String> scopes) {
    Customer customer = customers.find(customerId).orElseThrow(() ->
        new IllegalArgumentException("organization " + customerId + " does not exist"));
    Set<String> wanted = scopes.isEmpty() ? catalog.plan(customer.plan()).orElseThrow().scopes() : scopes;
    wanted.forEach(Scopes::validate);
    Set<String> escalated = Scopes.uncovered(catalog.plan(customer.plan()).orElseThrow().scopes(), wanted);
    if (!escalated.isEmpty()) {
      throw new ScopeEscalationException("scopes " + escalated + " exceed what the organization's plan holds");
    }
    Project p = new Project("prj_" + ApiKeys.newKeyId(random).substring(4), customerId, name, wanted, time.now());
    keys.saveProject(p);
    return p;
  }

  /**
   * Mints a token for the principal's key carrying {@code scopes} (the caller checks they are
   * covered) and the version of the key's current secret, so that the token dies with that secret
   * when the key is rotated. Empty when the key is gone.
   */
  Optional<String> mintToken(Principal principal, Set<String> scopes, Instant now, Duration ttl) {
    return credentials.byId(principal.keyId()).flatMap(k -> (principal.credential().previousSecret()
            ? k.previousSecretHash() : Optional.of(k.secretHash()))
        .map(hash -> tokens.mint(k.id(), Optional.of(Credentials.version(hash)), principal.customerId(), scopes, now,
            ttl)));
  }

  long customerCount() {
    return customers.count();
  }

  long projectCount(String organizationId) {
    return keys.countProjects(organizationId);
  }

  long keyCount(String organizationId) {
    return keys.countKeys(organizationId);
  }

  /** The key of that public id. */
  public Optional<ApiKey> key(String keyId) {
    return keys.findById(keyId);
  }

  /** The project of that id. */
  public Optional<Project> project(String projectId) {
    return keys.findProject(projectId);
  }

  /** Keys of an organization (optionally one project), ordered by id, after {@code afterId}. */
  public List<ApiKey> keys(String customerId, Optional<String> projectId, Optional<String> afterId, int limit) {
    return keys.list(customerId, projectId, afterId, limit);
  }

  /** Revokes a key; later requests with it (and tokens it minted) are refused with {@code key_revoked}. */
  public boolean revokeKey(String keyId) {
    Optional<ApiKey> key = keys.findById(keyId);
    key.ifPresent(k -> credentials.save(k.withStatus(KeyStatus.REVOKED), key));
    return key.isPresent();
  }

  /**
   * Gives a key a new secret (returned once); the old secret keeps working for {@code overlap}
   * (capped by the configured maximum), then answers {@code key_rotated}.
   */
  public Optional<IssuedKey> rotateKey(String keyId, Duration overlap) {
    if (overlap.isNegative()) {
      throw new IllegalArgumentException("the overlap cannot be negative");
    }
    Optional<ApiKey> key = keys.findById(keyId);
    if (key.isEmpty() || key.get().status() == KeyStatus.REVOKED) {
      return Optional.empty();
    }
    Duration capped = overlap.compareTo(maxRotationOverlap) > 0 ? maxRotationOverlap : overlap;
    String secret = ApiKeys.newSecret(key.get().environment(), random);
    ApiKey rotated = key.get().rotated(credentials.hash(secret), time.now().plus(capped));
    credentials.save(rotated, key);
    return Optional.of(new IssuedKey(rotated, secret));
  }

  /** The longest overlap a rotation may ask for. */
  public Duration maxRotationOverlap() {
    return maxRotationOverlap;
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
    return openApi.get()[0];
  }

  /** The same document as YAML, for {@code /openapi.yaml}. */
  public String openApiYaml() {
    return openApi.get()[1];
  }

  /** The management API (organizations, projects, keys, tokens), for adapters to serve under {@link #managementPrefix()}. */
  public ManagementApi managementApi() {
    return management;
  }

  SecureRandom random() {
    return random;
  }

  Instant now() {
    return time.now();
  }

  long nowNanos() {
    return time.epochNanos();
  }

  LimiterStore limiterStore() {
    return limiter;
  }

  void auditManagement(AuditEvent event) {
    audit.submit(event);
  }

  /** Identifies the caller of a management request (key or token), without an operation. */
  public Decision authenticate(ApiRequest request, Operation asOperation) {
    return identify(asOperation, request);
  }

  /** How many presented keys were refused by format or checksum, without a store lookup. */
  public long malformedKeyRefusals() {
    return identification.malformedKeyRefusals();
  }

  /** Audit events dropped because the hand-off was full (policy {@link AuditOverflow#DROP}). */
  public long auditEventsDropped() {
    return audit.dropped();
  }

  /**
   * Adds prepaid credits to a customer (a negative amount deducts) and returns the new balance.
   * Amounts are kept to the millionth of the currency unit. The movement is recorded in the
   * wallet's history under a generated id; use {@link #topUp} to give it an idempotency key.
   */
  public BigDecimal addCredits(String customerId, BigDecimal amount) {
    if (amount.signum() == 0) {
      requireCustomer(customerId);
      return creditBalance(customerId);
    }
    return topUp(customerId, amount, "wal_" + java.util.UUID.randomUUID().toString().replace("-", ""), "")
        .entry().balanceAfter();
  }

  /**
   * Moves {@code amount} into (negative: out of) the customer's prepaid wallet once per
   * {@code entryId}: a retry with the same id returns the first entry and changes nothing. The
   * entry, with the balance right after it, joins the wallet's history.
   *
   * @throws IllegalArgumentException when the customer does not exist, the amount is zero or the
   *     id or note is not acceptable (see {@link dev.monetize.billing.WalletEntry})
   */
  public dev.monetize.billing.TopUp topUp(String customerId, BigDecimal amount, String entryId, String note) {
    requireCustomer(customerId);
    new dev.monetize.billing.WalletEntry(entryId, customerId, amount, note, time.now(), BigDecimal.ZERO); // validates
    synchronized (walletLock) { // top-ups are rare: one at a time in this JVM keeps check, apply, record atomic
      Optional<dev.monetize.billing.WalletEntry> earlier = billingHistory.walletEntry(customerId, entryId);
      if (earlier.isPresent()) {
        return new dev.monetize.billing.TopUp(earlier.get(), false);
      }
      BigDecimal balance = limits.addCredits(customerId, amount);
      dev.monetize.billing.WalletEntry entry = new dev.monetize.billing.WalletEntry(entryId, customerId, amount,
          note, time.now(), balance);
      dev.monetize.billing.WalletEntry stored = billingHistory.recordWalletEntry(entry);
      if (stored != entry) {
        // another process recorded the same id between our check and our apply: take ours back
        balance = limits.addCredits(customerId, amount.negate());
        noteBalance(customerId, balance);
        return new dev.monetize.billing.TopUp(stored, false);
      }
      noteBalance(customerId, balance);
      return new dev.monetize.billing.TopUp(entry, true);
    }
  }

  /** The customer's latest {@code limit} wallet entries (top-ups and deductions), newest first. */
  public List<dev.monetize.billing.WalletEntry> walletHistory(String customerId, int limit) {
    requireCustomer(customerId);
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    }
    return billingHistory.walletEntries(customerId, limit);
  }

  private void noteBalance(String customerId, BigDecimal balance) {
    if (!creditsLow(balance)) {
      lowCreditsNotified.remove(customerId); // the next crossing is news again
    }
  }

  private void requireCustomer(String customerId) {
    if (customers.find(customerId).isEmpty()) {
      throw new IllegalArgumentException("customer " + customerId + " does not exist; save it first");
    }
  }

  /** The customer's prepaid balance. */
  public BigDecimal creditBalance(String customerId) {
    return limits.addCredits(customerId, BigDecimal.ZERO);
  }

  boolean measuresCpuTime() {
    return measureCpuTime;
  }

  /** The calling thread's CPU time in nanoseconds. */
  static long threadCpuNanos() {
    return THREADS.getCurrentThreadCpuTime();
  }

  /** Requests admitted and not yet completed in this JVM. */
  public long inFlight() {
    return limits.inFlight();
  }

  /** Requests refused because the limiter store was unreachable and a limit failed closed. */
  public long limiterStoreOutages() {
    return limits.storeOutages();
  }

  /** Requests refused by load shedding. */
  public long shedRequests() {
    return limits.shedRequests();
  }

  /** Delivers all usage recorded so far to the usage sink; true when nothing is left pending. */
  public boolean flushUsage() {
    return meter.flush();
  }

  /** Delivers all queued audit events to the audit sink on the calling thread. */
  public void flushAudit() {
    audit.drain();
  }

  private void flushQuietly() {
    try {
      meter.flushIfDue();
    } catch (RuntimeException e) {
      LOG.error("usage flush failed", e);
    }
  }

  private void syncQuietly() {
    try {
      journal.force();
    } catch (RuntimeException e) {
      LOG.error("usage journal fsync failed", e);
    }
  }

  /**
   * Stops the background threads after a last flush of usage and audit. With a journal, usage the
   * sink still refuses stays in the journal for the next start.
   */
  @Override
  public void close() {
    flusher.shutdown();
    if (journalSync != null) {
      journalSync.shutdown();
    }
    try {
      flusher.awaitTermination(5, TimeUnit.SECONDS);
      if (journalSync != null) {
        journalSync.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      if (!meter.flush()) {
        if (journal != null) {
          LOG.warn("usage sink still failing at shutdown: {} records stay in the journal {} for the next start",
              meter.pendingRecords(), journal.directory());
        } else {
          LOG.error("usage sink still failing at shutdown: {} records could not be delivered", meter.pendingRecords());
        }
      }
    } catch (RuntimeException e) {
      LOG.error("last usage flush failed", e);
    }
    if (journal != null) {
      journal.close();
    }
    audit.close();
  }
}
