package dev.monetize;

import dev.monetize.errors.ErrorCode;
import dev.monetize.errors.Problem;
import dev.monetize.errors.ProblemJson;
import dev.monetize.http.Header;
import dev.monetize.http.RateLimitHeaders;
import dev.monetize.http.RequestIds;
import dev.monetize.limits.PolicyState;
import dev.monetize.plans.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One request in flight: its {@link Decision}, the response headers and (when refused) the
 * problem body to send, and {@link #complete(int, long)} to call when the response is done.
 *
 * <p>The adapter's whole job:
 * <pre>{@code
 * Admission a = monetize.admit(operation, apiRequest);
 * a.responseHeaders(response::setHeader);          // each header, name and value
 * if (!a.admitted()) {
 *   response.setStatus(a.decision().status());
 *   response.setContentType(Problem.MEDIA_TYPE);
 *   response.getOutputStream().write(a.problemBody());
 *   a.complete(a.decision().status(), a.problemBody().length);
 *   return;
 * }
 * try { chain.doFilter(request, response); }
 * finally { a.complete(response.getStatus(), bytesWritten); }
 * }</pre>
 * Not thread-safe: one request, one thread (or handed over with a happens-before edge).
 */
public final class Admission {
  /** Sent on responses served in degraded mode (the plan's quota is exceeded). */
  public static final String DEGRADED_HEADER = "Monetize-Degraded";
  /** Sent while a prepaid balance is below the configured threshold: the balance left. */
  public static final String CREDITS_LOW_HEADER = "Monetize-Credits-Low";

  /**
   * The {@code Cache-Control} of an admitted answer that has none of its own when it is committed (an
   * adapter sets it then, so the application's, Spring Security's or the response cache's comes
   * first): an answer to a credential is for that caller only, whatever header carried the credential
   * (RFC 9111 keeps shared caches off answers to {@code Authorization}, not to {@code X-API-Key}).
   */
  public static final String ADMITTED_CACHE_CONTROL = "private";
  /** The request headers an admitted answer varies with: the credential's ({@code Vary}). */
  private static final String CREDENTIAL_HEADERS = "Authorization, X-API-Key";
  private final AdmissionPipeline pipeline;
  private final ApiRequest request;
  /**
   * The decision once made. When the limits admit, it is made only when asked for ({@link #decision()}):
   * until then it is null, and {@link #identified} with the limits' states below says all it would.
   */
  private Decision decision;
  /** The caller as the stages before the limits admitted it (principal, operation), while the decision is not made. */
  private Decision identified;
  private List<PolicyState> policies = List.of();
  private boolean overage;
  private boolean degraded;
  /** The limits checked, the store's verdict (null when the request never reached the store, or the limits' states are packed). */
  private List<dev.monetize.limits.LimitRequest> requests = List.of();
  private dev.monetize.limits.LimitVerdict verdictOrNull;
  /** The {@code RateLimit-Policy} value formatted once per customer, or empty. */
  private String policyHeader = "";
  private final long startNanos;
  /** The thread whose CPU time is the call's. */
  private final Thread thread;
  /**
   * The thread's CPU clock when the call started (0 or more); once handed off ({@link #handedOff}),
   * {@code -2 - spent}, the CPU time the thread spent on it; -1: not measured. One volatile value:
   * the hand-off and a completion on another thread (an asynchronous endpoint that wrote its last
   * byte) may run at once, and each must see the other's whole state or none of it.
   */
  private volatile long cpuStartNanos = -1;
  private long bytesIn;
  private boolean completed;
  /** What was sent, for the audit event built later on its own thread (set once, before the hand-off). */
  private int sentStatus;
  private long sentBytes;
  private long sentNanos;
  private java.util.Map<String, Long> units;
  private CacheLookup cache = CacheLookup.NONE;
  private static final java.util.Map<String, Long> CACHE_HIT = java.util.Map.of("cache_hits", 1L);
  private static final java.util.regex.Pattern UNIT = java.util.regex.Pattern.compile("[a-z0-9_.-]{1,64}");

  /** A request being admitted: the pipeline sets its decision ({@link #limited}) before handing it out. */
  Admission(AdmissionPipeline pipeline, ApiRequest request, long startNanos) {
    this.pipeline = pipeline;
    this.request = request;
    this.startNanos = startNanos;
    this.thread = Thread.currentThread();
  }

  /** What the pipeline decided: the decision, and what releasing the limits needs. */
  void limited(Decision decision, List<dev.monetize.limits.LimitRequest> requests,
      dev.monetize.limits.LimitVerdict verdictOrNull, String policyHeader) {
    this.decision = decision;
    this.identified = null;
    this.requests = requests;
    this.verdictOrNull = verdictOrNull;
    this.policyHeader = policyHeader;
  }

  /**
   * The limits admitted the caller {@code identified} with these states: the decision is made from
   * them when someone asks for it (most requests never do), and what releasing the limits needs.
   */
  void admitted(Decision identified, List<PolicyState> policies, boolean overage, boolean degraded,
      List<dev.monetize.limits.LimitRequest> requests, dev.monetize.limits.LimitVerdict verdictOrNull,
      String policyHeader) {
    this.decision = null;
    this.identified = identified;
    this.policies = policies;
    this.overage = overage;
    this.degraded = degraded;
    this.requests = requests;
    this.verdictOrNull = verdictOrNull;
    this.policyHeader = policyHeader;
  }

  /** Whether its limits refused it for a key's own restrictions alone, which no plan lifts. */
  boolean refusedByKeysOwnLimits() {
    return decision != null && !decision.admitted() && verdictOrNull != null
        && LimitRefusals.keysOwnOnly(requests, verdictOrNull);
  }

  /** Starts measuring the thread's CPU time of an admitted request, when measured. */
  void started() {
    if (pipeline.measuresCpuTime() && admitted()) {
      cpuStartNanos = AdmissionPipeline.threadCpuNanos();
    }
  }

  /**
   * The thread that admitted the call leaves it to another (an asynchronous endpoint answers later):
   * the CPU time it spent on the call so far is kept as the call's {@code cpu_ms}. Adapters call it on
   * that thread as it returns; a call completed on its admitting thread needs nothing.
   */
  public void handedOff() {
    long start = cpuStartNanos;
    if (start >= 0 && Thread.currentThread() == thread) {
      cpuStartNanos = -2 - Math.max(0, AdmissionPipeline.threadCpuNanos() - start);
    }
  }

  /** Whether the limits admitted and charged the request (its in-flight count and slots are released). */
  boolean charged() {
    return identified != null;
  }

  List<dev.monetize.limits.LimitRequest> requests() {
    return requests;
  }

  dev.monetize.limits.LimitVerdict verdictOrNull() {
    return verdictOrNull;
  }

  /**
   * Counts request body bytes the application read (adapters call it as the body is read); they
   * are metered as {@code bytes_in}.
   */
  public void addBytesIn(long bytes) {
    if (bytes > 0) {
      bytesIn += bytes;
    }
  }

  /**
   * Counts {@code bytes} of the request body as the endpoint reads them ({@code bytes_in}), and
   * refuses to go past the operation's body limit: adapters call it from their body streams.
   *
   * @throws dev.monetize.http.BodyTooLargeException once the body is larger than
   *     {@code Operation.maxBodyBytes} (the adapter answers {@code 413})
   */
  public void readBody(long bytes) throws dev.monetize.http.BodyTooLargeException {
    addBytesIn(bytes);
    long limit = operation().maxBodyBytes();
    if (bytesIn > limit) {
      throw new dev.monetize.http.BodyTooLargeException(limit);
    }
  }

  /**
   * The decision. An admission is made the first time it is asked for: {@link #admitted()} and
   * {@link #principal()} answer without it.
   */
  public Decision decision() {
    Decision d = decision;
    if (d == null) { // made at most once per thread; a second thread may make an equal one (its fields are final)
      d = Decision.admit(identified.principal(), identified.operation(), policies, overage, degraded);
      decision = d;
    }
    return d;
  }

  /** Whether the endpoint may run: {@code decision().admitted()}. */
  public boolean admitted() {
    Decision d = decision;
    return d == null ? identified != null : d.admitted();
  }

  /** The caller, once identified: {@code decision().principal()}. */
  public Optional<Principal> principal() {
    Decision d = decision;
    return d == null ? identified.principal() : d.principal();
  }

  /** The operation requested. */
  Operation operation() {
    Decision d = decision;
    return d == null ? identified.operation() : d.operation();
  }

  /** Why the request was refused; empty when admitted. */
  Optional<ErrorCode> error() {
    Decision d = decision;
    return d == null ? Optional.empty() : d.error();
  }

  /** The state of every limit checked, as {@link Decision#policies()}. */
  List<PolicyState> policies() {
    Decision d = decision;
    return d == null ? policies : d.policies();
  }

  /** {@link Decision#overage()}. */
  boolean overage() {
    Decision d = decision;
    return d == null ? overage : d.overage();
  }

  /**
   * Whether the plan's quota is exceeded and the endpoint should answer in degraded mode:
   * {@code decision().degraded()}, answered without making the decision.
   */
  public boolean degraded() {
    Decision d = decision;
    return d == null ? degraded : d.degraded();
  }

  /** The request as admitted. */
  public ApiRequest request() {
    return request;
  }

  /** The headers to set on the response, refused or not. */
  public List<Header> responseHeaders() {
    List<Header> headers = new ArrayList<>(6);
    responseHeaders((name, value) -> headers.add(new Header(name, value)));
    return headers;
  }

  /**
   * The same headers as {@link #responseHeaders()}, handed to {@code sink} (name, value) one by one
   * in the same order, without a list or a {@link Header} per header: what an adapter sets on every
   * response. {@code Vary} and {@code Link} add to what a response may already hold
   * ({@link Header#merges()}). Not among them: {@link #ADMITTED_CACHE_CONTROL}, which an adapter sets
   * on an admitted answer that has no {@code Cache-Control} when it is committed.
   */
  public void responseHeaders(java.util.function.BiConsumer<String, String> sink) {
    sink.accept(RequestIds.HEADER, request.requestId());
    List<PolicyState> states = policies();
    List<PolicyState> policies = RateLimitHeaders.announced(states);
    if (!policies.isEmpty()) {
      sink.accept(RateLimitHeaders.POLICY, policyHeader.isEmpty() ? RateLimitHeaders.policy(policies) : policyHeader);
      sink.accept(RateLimitHeaders.STATE, RateLimitHeaders.state(policies));
      if (pipeline.legacyRateLimitHeaders()) {
        PolicyState t = RateLimitHeaders.tightest(policies);
        sink.accept("X-RateLimit-Limit", Long.toString(t.quota()));
        sink.accept("X-RateLimit-Remaining", Long.toString(Math.max(0, t.remaining())));
        sink.accept("X-RateLimit-Reset", Long.toString(t.resetSeconds()));
      }
    }
    if (degraded()) {
      sink.accept(DEGRADED_HEADER, "quota-exceeded");
    }
    Versions.headers(operation(), sink);
    if (admitted()) {
      sink.accept("Vary", CREDENTIAL_HEADERS); // Cache-Control: ADMITTED_CACHE_CONTROL, when the answer has none
      String warning = pipeline.warnings().header(states, requests);
      if (!warning.isEmpty()) {
        sink.accept(QuotaWarnings.HEADER, warning);
      }
      if (pipeline.wallets().watching()) { // a low-credits threshold is set
        dev.monetize.billing.internal.Wallets.creditsLeft(decision()).filter(pipeline.wallets()::low)
            .ifPresent(left -> sink.accept(CREDITS_LOW_HEADER, left.stripTrailingZeros().toPlainString()));
      }
      return;
    }
    Decision decision = decision();
    ErrorCode code = decision.error().orElseThrow();
    sink.accept("Cache-Control", "no-store");
    sink.accept("X-Content-Type-Options", "nosniff"); // a problem's detail may quote the request
    if (code.status() == 429 || code.status() == 503 || decision.retryAfterSeconds() > 0) {
      sink.accept("Retry-After", Long.toString(Math.max(1, decision.retryAfterSeconds())));
    }
    if (code.status() == 401) {
      sink.accept("WWW-Authenticate", code == ErrorCode.KEY_MISSING
          ? "Bearer realm=\"monetize\""
          : "Bearer realm=\"monetize\", error=\"invalid_token\"");
    }
  }

  /**
   * Adds {@code amount} of a custom usage unit (e.g. {@code rows_scanned}) to this call's usage,
   * metered with it when it completes. Units are 1-64 of {@code a-z 0-9 _ . -}; at most 32 per call.
   */
  public void reportUsage(String unit, long amount) {
    if (unit == null || !UNIT.matcher(unit).matches()) {
      throw new IllegalArgumentException("usage unit must be 1-64 of a-z 0-9 _ . -, got '" + unit + "'");
    }
    if (amount < 0) {
      throw new IllegalArgumentException("usage amount cannot be negative, got " + amount);
    }
    if (dev.monetize.metering.UsageTotals.Totals.STANDARD_UNITS.contains(unit)
        || unit.equals(dev.monetize.billing.Invoicing.CACHE_HITS)) { // a reported hit would take a call off the bill
      throw new IllegalArgumentException("'" + unit + "' is metered by the engine itself; report a unit of your own");
    }
    if (completed) {
      throw new IllegalStateException("the call is already metered; report usage before it completes");
    }
    if (units == null) {
      units = new java.util.HashMap<>(4);
    }
    if (!units.containsKey(unit) && units.size() >= 32) {
      throw new IllegalArgumentException("at most 32 usage units per call");
    }
    units.merge(unit, amount, Math::addExact);
  }

  void sent(int status, long bytesOut, long durationNanos) {
    this.sentStatus = status;
    this.sentBytes = bytesOut;
    this.sentNanos = durationNanos;
  }

  int sentStatus() {
    return sentStatus;
  }

  long sentBytes() {
    return sentBytes;
  }

  long sentNanos() {
    return sentNanos;
  }

  long bytesIn() {
    return bytesIn;
  }

  long startNanos() {
    return startNanos;
  }

  java.util.Map<String, Long> reportedUnits() {
    return units == null ? java.util.Map.of() : units;
  }

  /** The RFC 9457 problem of a refusal. */
  public Problem problem() {
    Decision decision = decision();
    ErrorCode code = decision.error().orElseThrow(
        () -> new IllegalStateException("an admitted request has no problem"));
    Problem p = pipeline.problem(code, decision.detail(), request.requestId());
    if (decision.hint().isPresent()) {
      p = p.withHint(decision.hint().get());
    }
    if (code.status() == 429 || code.status() == 503 || decision.retryAfterSeconds() > 0) {
      p = p.with("retry_after", Math.max(1, decision.retryAfterSeconds()));
    }
    if (!decision.violatedPolicies().isEmpty()) {
      p = p.with("violated_policies", decision.violatedPolicies());
    }
    return p;
  }

  /** The problem as {@code application/problem+json} bytes. */
  public byte[] problemBody() {
    return ProblemJson.toBytes(problem());
  }

  /**
   * Finishes the request: meters it (if admitted) and hands its audit event off. Call exactly once,
   * in a {@code finally}; later calls are ignored.
   *
   * @param status the status actually sent
   * @param bytesOut response body bytes actually written
   */
  public void complete(int status, long bytesOut) {
    if (completed) {
      return;
    }
    cache.completed(); // a led flight the adapter did not store lands now: its followers run themselves
    if (cache.served()) { // the engine's own unit: no need to check its name
      if (units == null) {
        units = CACHE_HIT; // the usual case: no units of the application's own
      } else {
        units.merge("cache_hits", 1L, Long::sum);
      }
      pipeline.caching().served(cache.operation(), bytesOut);
    }
    completed = true;
    // CPU time is per thread: the admitting thread's, up to now or to the hand-off of an asynchronous call
    long start = cpuStartNanos; // read once: see its field
    long cpuNanos = start == -1 ? 0 : start < -1 ? -2 - start
        : Thread.currentThread() == thread ? Math.max(0, AdmissionPipeline.threadCpuNanos() - start) : 0;
    pipeline.complete(this, status, bytesIn, bytesOut, cpuNanos, startNanos);
  }

  /**
   * Looks an admitted request to a cached operation ({@code GET} or {@code HEAD}) up in the response
   * cache; {@link CacheLookup#NONE}-like (no hit, nothing to store) otherwise. An answer served from
   * the cache is metered with one {@code cache_hits} unit when the call completes. The key holds the
   * tenant, the operation, the path, the query (only the operation's parameters, in name order) and
   * the {@code Accept} header; one entry serves every {@code Accept-Encoding} (the adapter compresses).
   * A degraded request ({@link #degraded()}) is neither served from the cache nor stored: the
   * application answers it as it answers degraded requests.
   *
   * <p>A request the service shed ({@code 503 overloaded}) is served what the cache holds for it,
   * fresh or stale within either stale window, when its limits admit it: the decision then becomes
   * that admission. Call this before sending a refusal, and read {@link #decision()} and
   * {@link #responseHeaders()} after it.
   *
   * @param rawQuery the query string, without {@code ?} ({@code null} when none)
   * @param accept the {@code Accept} header ({@code null} when absent)
   * @param acceptEncoding the {@code Accept-Encoding} header ({@code null} when absent)
   */
  public CacheLookup cache(String rawQuery, String accept, String acceptEncoding) {
    return cache(rawQuery, accept, acceptEncoding, (String) null);
  }

  /**
   * The same, reading the request's other headers through {@code requestHeader} (a header's value by
   * name, {@code null} when it was not sent, as {@code HttpServletRequest::getHeader} answers): the
   * key then holds the request's {@code Origin}, so an answer a CORS filter made vary by it
   * ({@code Vary: Origin}) is stored and served, with its {@code Access-Control-*} headers, to the
   * requests from the same origin only. A request that sends a CORS preflight header
   * ({@code Access-Control-Request-Method} or {@code -Headers}) is looked up as by the method above. A
   * request with {@code If-Match} or {@code If-Unmodified-Since} bypasses the cache: the endpoint
   * evaluates those preconditions ({@code 412}), a stored answer would not.
   */
  public CacheLookup cache(String rawQuery, String accept, String acceptEncoding,
      java.util.function.UnaryOperator<String> requestHeader) {
    java.util.Objects.requireNonNull(requestHeader, "requestHeader");
    if (operation().cache().isEmpty()) {
      return cache(rawQuery, accept, acceptEncoding, (String) null);
    }
    if (requestHeader.apply("If-Match") != null || requestHeader.apply("If-Unmodified-Since") != null) {
      return CacheLookup.NONE; // a precondition for the endpoint to evaluate (RFC 9110 section 13.1): never a hit
    }
    boolean preflight = requestHeader.apply("Access-Control-Request-Method") != null
        || requestHeader.apply("Access-Control-Request-Headers") != null;
    String origin = requestHeader.apply("Origin");
    // none sent keys apart from any value sent, an empty one too (a line feed is in no header value)
    return cache(rawQuery, accept, acceptEncoding, preflight ? null : origin == null ? "\n" : origin);
  }

  private CacheLookup cache(String rawQuery, String accept, String acceptEncoding, String origin) {
    if (completed || operation().cache().isEmpty()
        || !dev.monetize.cache.CacheKey.cacheableMethod(request.method()) || !dev.monetize.http.QueryStrings.wellEscaped(rawQuery)) {
      return CacheLookup.NONE; // a malformed escape: the endpoint answers it as it would any time, never a hit
    }
    Optional<Principal> caller = principal();
    if (!admitted()) {
      if (error().orElse(null) != ErrorCode.OVERLOADED || caller.isEmpty()) {
        return CacheLookup.NONE;
      }
      CacheLookup shed = pipeline.caching().lookup(operation(), caller.get(), request, rawQuery, accept,
          acceptEncoding, origin, true);
      if (shed.hit().isEmpty()) {
        return CacheLookup.NONE;
      }
      pipeline.readmit(decision(), request, startNanos, this); // its limits still apply
      if (!admitted()) {
        return CacheLookup.NONE;
      }
      cache = pipeline.caching().count(shed);
      return cache;
    }
    if (degraded()) { // its answer is the cheaper one the application gives past the quota: nobody else's, and no hit
      return CacheLookup.NONE;
    }
    cache = pipeline.caching().lookup(operation(), caller.orElseThrow(), request, rawQuery, accept, acceptEncoding,
        origin, false);
    return cache;
  }

  /** Whether {@link #complete(int, long)} was called. */
  public boolean completed() {
    return completed;
  }
}
