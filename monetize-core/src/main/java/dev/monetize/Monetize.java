package dev.monetize;

import dev.monetize.audit.AuditEvent;
import dev.monetize.audit.AuditOverflow;
import dev.monetize.audit.AuditSink;
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
import dev.monetize.keys.KeyStore;
import dev.monetize.limits.LimiterStore;
import dev.monetize.metering.UsageSink;
import dev.monetize.metering.internal.UsageMeter;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Scopes;
import dev.monetize.limits.OverloadSignal;
import java.math.BigDecimal;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
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
 * store, usage sink, audit sink, time source), injected through the {@link Builder}. Close it on
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
  private final LimitStep limits;
  private final LongAdder malformedKeys = new LongAdder();

  private Monetize(Builder b) {
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
    this.meter = new UsageMeter(b.usageSink, b.timeSource);
    this.audit = new AsyncAuditDispatcher(b.auditSink, b.auditQueueCapacity, b.auditOverflow);
    this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "monetize-usage-flusher");
      t.setDaemon(true);
      return t;
    });
    long every = b.usageFlushInterval.toMillis();
    flusher.scheduleWithFixedDelay(this::flushQuietly, every, every, TimeUnit.MILLISECONDS);
  }

  /** Starts a builder. The catalog is required; everything else has an in-memory default. */
  public static Builder builder() {
    return new Builder();
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
      LOG.error("admission of request {} failed: {}", request.requestId(), e.toString(), e);
      outcome = refused(Decision.refuse(ErrorCode.INTERNAL, "The request could not be admitted.", Optional.empty(),
          operation));
    }
    return new Admission(this, request, outcome, start);
  }

  private static LimitStep.Outcome refused(Decision decision) {
    return new LimitStep.Outcome(decision, List.of(), Optional.empty());
  }

  private LimitStep.Outcome decide(Operation op, ApiRequest request, long now) {
    Decision identified = identifyAndAuthorize(op, request);
    if (!identified.admitted()) {
      return refused(identified);
    }
    return limits.check(identified.principal().orElseThrow(), op, request, now);
  }

  /** Steps 1 and 2: who is calling, and may they call this operation at all. */
  private Decision identifyAndAuthorize(Operation op, ApiRequest request) {
    // 1. identify
    String credential = credentialOf(request);
    if (credential == null) {
      return Decision.refuse(ErrorCode.KEY_MISSING, "No API key was sent.", Optional.empty(), op);
    }
    if (credential.isEmpty()) {
      return Decision.refuse(ErrorCode.KEY_INVALID,
          "The Authorization header must use the Bearer scheme.", Optional.empty(), op);
    }
    Optional<KeyEnvironment> env = ApiKeys.environmentOf(credential);
    if (env.isEmpty()) {
      malformedKeys.increment(); // refused by the checksum: no store was touched
      return Decision.refuse(ErrorCode.KEY_INVALID, "The API key is malformed.", Optional.empty(), op);
    }
    if (env.get() != environment) {
      return Decision.refuse(ErrorCode.KEY_WRONG_ENVIRONMENT, "This service accepts "
          + environment.prefix() + " keys only.", Optional.empty(), op);
    }
    String hash = ApiKeys.hash(credential);
    Optional<ApiKey> found = keys.findByHash(hash);
    if (found.isEmpty() || !ApiKeys.sameHash(found.get().secretHash(), hash)) {
      return Decision.refuse(ErrorCode.KEY_INVALID, "The API key is not known.", Optional.empty(), op);
    }
    ApiKey key = found.get();
    if (key.status() == KeyStatus.REVOKED) {
      return Decision.refuse(ErrorCode.KEY_REVOKED, "Key " + key.id() + " was revoked.", Optional.empty(), op);
    }
    if (key.expiredAt(time.now())) {
      return Decision.refuse(ErrorCode.KEY_EXPIRED, "Key " + key.id() + " expired at "
          + key.expiresAt().orElseThrow() + ".", Optional.empty(), op);
    }
    Optional<Customer> customer = customers.find(key.customerId());
    if (customer.isEmpty()) {
      return Decision.refuse(ErrorCode.KEY_INVALID, "The API key's account no longer exists.", Optional.empty(), op);
    }
    Plan plan = catalog.plan(customer.get().plan()).orElseThrow(() -> new IllegalStateException(
        "customer " + customer.get().id() + " is on plan '" + customer.get().plan() + "', which the catalog does not define"));
    Principal principal = new Principal(customer.get(), plan, key.id(), key.scopes());

    // 2. authorize
    if (!catalog.allows(plan, op)) {
      String detail = "Operation '" + op.id() + "' is not included in plan '" + plan.name() + "'.";
      Optional<Plan> upgrade = catalog.lowestPlanAllowing(op);
      return upgrade.map(p -> Decision.refuseWithHint(ErrorCode.PLAN_DENIED, detail,
              "Upgrade to plan '" + p.name() + "' or higher to call " + op.id() + ".", Optional.of(principal), op))
          .orElse(Decision.refuse(ErrorCode.PLAN_DENIED, detail, Optional.of(principal), op));
    }
    if (!Scopes.grants(key.scopes(), op.scope())) {
      return Decision.refuse(ErrorCode.SCOPE_DENIED, "Operation '" + op.id() + "' requires scope '"
          + op.scope() + "', which key " + key.id() + " does not hold.", Optional.of(principal), op);
    }

    return Decision.admit(principal, op, List.of(), false, false);
  }

  /**
   * The credential: the Bearer token of {@code Authorization}, else {@code X-API-Key}. Returns null
   * when none was sent and "" when Authorization uses another scheme.
   */
  private static String credentialOf(ApiRequest request) {
    if (request.authorization().isPresent()) {
      String v = request.authorization().get().trim();
      if (v.length() > 7 && v.regionMatches(true, 0, "Bearer ", 0, 7)) {
        return v.substring(7).trim();
      }
      if (request.apiKeyHeader().isEmpty()) {
        return v.isEmpty() ? null : "";
      }
    }
    if (request.apiKeyHeader().isPresent()) {
      String v = request.apiKeyHeader().get().trim();
      return v.isEmpty() ? null : v;
    }
    return null;
  }

  void complete(Admission admission, LimitStep.Outcome outcome, int status, long bytesOut, long startNanos) {
    long duration = Math.max(0, time.epochNanos() - startNanos);
    Decision d = admission.decision();
    ApiRequest r = admission.request();
    limits.release(outcome);
    try {
      if (d.admitted()) {
        Principal p = d.principal().orElseThrow();
        meter.record(p.customerId(), p.keyId(), d.operation().id(), status, d.overage(), bytesOut, duration);
      }
      audit.submit(new AuditEvent(
          Instant.ofEpochSecond(Math.floorDiv(startNanos, 1_000_000_000L), Math.floorMod(startNanos, 1_000_000_000L)),
          r.requestId(),
          d.principal().map(Principal::customerId),
          d.principal().map(Principal::keyId),
          d.operation().id(), r.method(), r.path(), r.remoteAddress(), status,
          d.error().map(ErrorCode::code).orElse("admitted"), duration / 1_000, bytesOut));
    } catch (RuntimeException e) {
      LOG.error("metering request {} failed: {}", r.requestId(), e.toString(), e);
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
    customers.save(customer);
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
    if (customers.find(customerId).isEmpty()) {
      throw new IllegalArgumentException("customer " + customerId + " does not exist; save it first");
    }
    if (scopes.isEmpty()) {
      throw new IllegalArgumentException("a key needs at least one scope");
    }
    scopes.forEach(Scopes::validate);
    String secret = ApiKeys.newSecret(environment, random);
    ApiKey key = new ApiKey(ApiKeys.newKeyId(random), customerId, ApiKeys.hash(secret), scopes, environment,
        KeyStatus.ACTIVE, time.now(), expiresAt);
    keys.save(key);
    return new IssuedKey(key, secret);
  }

  /** Revokes a key; later requests with it are refused with {@code key_revoked}. */
  public boolean revokeKey(String keyId) {
    Optional<ApiKey> key = keys.findById(keyId);
    key.ifPresent(k -> keys.save(k.withStatus(KeyStatus.REVOKED)));
    return key.isPresent();
  }

  /** How many presented keys were refused by format or checksum, without a store lookup. */
  public long malformedKeyRefusals() {
    return malformedKeys.sum();
  }

  /** Audit events dropped because the hand-off was full (policy {@link AuditOverflow#DROP}). */
  public long auditEventsDropped() {
    return audit.dropped();
  }

  /**
   * Adds prepaid credits to a customer (a negative amount deducts) and returns the new balance.
   * Amounts are kept to the millionth of the currency unit.
   */
  public BigDecimal addCredits(String customerId, BigDecimal amount) {
    if (customers.find(customerId).isEmpty()) {
      throw new IllegalArgumentException("customer " + customerId + " does not exist; save it first");
    }
    return limits.addCredits(customerId, amount);
  }

  /** The customer's prepaid balance. */
  public BigDecimal creditBalance(String customerId) {
    return limits.addCredits(customerId, BigDecimal.ZERO);
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

  /** Stops the background threads after a last flush of usage and audit. */
  @Override
  public void close() {
    flusher.shutdown();
    try {
      flusher.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!meter.flush()) {
      LOG.error("usage sink still failing at shutdown: {} records could not be delivered", meter.pendingRecords());
    }
    audit.close();
  }

  /**
   * Configuration of a {@link Monetize}. Only {@link #catalog(Catalog)} is required.
   */
  public static final class Builder {
    private Catalog catalog;
    private KeyStore keyStore = KeyStore.inMemory();
    private CustomerStore customerStore = CustomerStore.inMemory();
    private LimiterStore limiterStore = LimiterStore.inMemory();
    private UsageSink usageSink = UsageSink.inMemory();
    private AuditSink auditSink = AuditSink.logging();
    private TimeSource timeSource = TimeSource.system();
    private KeyEnvironment environment = KeyEnvironment.LIVE;
    private URI docsBase = URI.create("https://monetize.dev");
    private boolean legacyRateLimitHeaders;
    private int auditQueueCapacity = 65_536;
    private AuditOverflow auditOverflow = AuditOverflow.DROP;
    private Duration usageFlushInterval = Duration.ofSeconds(1);
    private SecureRandom random = new SecureRandom();
    private OverloadSignal overloadSignal;
    private Duration overloadRetryAfter = Duration.ofSeconds(2);

    private Builder() {}

    /**
     * Sheds load by plan rank when {@code signal} says so: lower plans get {@code 503 overloaded}
     * first (default: never shed).
     */
    public Builder overloadSignal(OverloadSignal signal) {
      this.overloadSignal = Objects.requireNonNull(signal, "signal");
      return this;
    }

    /** The {@code Retry-After} of a shed request (default 2 s; 1 s to 1 h). */
    public Builder overloadRetryAfter(Duration retryAfter) {
      Objects.requireNonNull(retryAfter, "retryAfter");
      if (retryAfter.compareTo(Duration.ofSeconds(1)) < 0 || retryAfter.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("overload Retry-After must be 1s..1h, got " + retryAfter);
      }
      this.overloadRetryAfter = retryAfter;
      return this;
    }

    /** The plans and operations (required). */
    public Builder catalog(Catalog catalog) {
      this.catalog = Objects.requireNonNull(catalog, "catalog");
      return this;
    }

    /** Where keys live (default: in memory). */
    public Builder keyStore(KeyStore keyStore) {
      this.keyStore = Objects.requireNonNull(keyStore, "keyStore");
      return this;
    }

    /** Where customers live (default: in memory). */
    public Builder customerStore(CustomerStore customerStore) {
      this.customerStore = Objects.requireNonNull(customerStore, "customerStore");
      return this;
    }

    /** Where limiter state lives (default: in memory). */
    public Builder limiterStore(LimiterStore limiterStore) {
      this.limiterStore = Objects.requireNonNull(limiterStore, "limiterStore");
      return this;
    }

    /** Where usage goes (default: an in-memory sink). */
    public Builder usageSink(UsageSink usageSink) {
      this.usageSink = Objects.requireNonNull(usageSink, "usageSink");
      return this;
    }

    /** Where audit events go (default: JSON lines on the SLF4J logger {@code dev.monetize.audit}). */
    public Builder auditSink(AuditSink auditSink) {
      this.auditSink = Objects.requireNonNull(auditSink, "auditSink");
      return this;
    }

    /** The clock (default: the system clock). */
    public Builder timeSource(TimeSource timeSource) {
      this.timeSource = Objects.requireNonNull(timeSource, "timeSource");
      return this;
    }

    /** Which keys this deployment accepts (default: {@link KeyEnvironment#LIVE}). */
    public Builder environment(KeyEnvironment environment) {
      this.environment = Objects.requireNonNull(environment, "environment");
      return this;
    }

    /**
     * Base of the error catalog the problem {@code type} URIs point at (default
     * {@code https://monetize.dev}); must be an absolute http(s) URI.
     */
    public Builder docsBase(URI docsBase) {
      Objects.requireNonNull(docsBase, "docsBase");
      if (!docsBase.isAbsolute() || !("https".equals(docsBase.getScheme()) || "http".equals(docsBase.getScheme()))) {
        throw new IllegalArgumentException("docsBase must be an absolute http(s) URI, got '" + docsBase + "'");
      }
      this.docsBase = docsBase;
      return this;
    }

    /** Also send {@code X-RateLimit-Limit}, {@code -Remaining} and {@code -Reset} (default off). */
    public Builder legacyRateLimitHeaders(boolean enabled) {
      this.legacyRateLimitHeaders = enabled;
      return this;
    }

    /** Bound of the audit hand-off queue (default 65,536) and what happens when it is full. */
    public Builder auditQueue(int capacity, AuditOverflow overflow) {
      if (capacity < 1 || capacity > 10_000_000) {
        throw new IllegalArgumentException("audit queue capacity must be 1..10000000, got " + capacity);
      }
      this.auditQueueCapacity = capacity;
      this.auditOverflow = Objects.requireNonNull(overflow, "overflow");
      return this;
    }

    /** How often usage is flushed to the sink (default 1 s; 10 ms to 1 h). */
    public Builder usageFlushInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.compareTo(Duration.ofMillis(10)) < 0 || interval.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("usage flush interval must be 10ms..1h, got " + interval);
      }
      this.usageFlushInterval = interval;
      return this;
    }

    /** The randomness keys are made from (default: a new {@link SecureRandom}). */
    public Builder secureRandom(SecureRandom random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** Validates and starts the engine (one background thread for usage, one for audit). */
    public Monetize build() {
      if (catalog == null) {
        throw new IllegalStateException("Monetize.builder(): catalog(...) is required");
      }
      return new Monetize(this);
    }
  }
}
