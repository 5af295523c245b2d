package dev.monetize.servlet;

import dev.monetize.Admission;
import dev.monetize.CacheLookup;
import dev.monetize.ApiRequest;
import dev.monetize.management.ManagementApi;
import dev.monetize.Monetize;
import dev.monetize.TenantContext;
import dev.monetize.errors.ErrorCode;
import dev.monetize.http.Compression;
import dev.monetize.http.Header;
import dev.monetize.keys.Redaction;
import dev.monetize.metering.UsageReporter;
import dev.monetize.http.RequestIds;
import dev.monetize.plans.Operation;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servlet adapter: matches the request against the catalog's routes, runs the admission
 * pipeline, answers refusals as problem JSON, and on admission sets the rate-limit headers, runs
 * the application, and meters the status and bytes actually sent.
 *
 * <pre>{@code
 * Monetize monetize = Monetize.builder().catalog(CatalogLoader.load(Path.of("plans.yaml"))).build();
 * context.addFilter(new FilterHolder(new MonetizeFilter(monetize)), "/*", EnumSet.of(DispatcherType.REQUEST));
 * // in a servlet:
 * dev.monetize.Principal caller = MonetizeFilter.principal(request).orElseThrow();
 * }</pre>
 */
public final class MonetizeFilter implements Filter {
  /** Where the generated OpenAPI document is served (JSON). */
  public static final String OPENAPI_JSON = "/openapi.json";
  /** Where the generated OpenAPI document is served (YAML). */
  public static final String OPENAPI_YAML = "/openapi.yaml";
  /** Request attribute holding the {@link UsageReporter} an endpoint adds custom usage units with. */
  public static final String USAGE_ATTRIBUTE = "dev.monetize.usage";
  /** Request attribute holding the {@link dev.monetize.Principal} of an admitted request. */
  public static final String PRINCIPAL_ATTRIBUTE = "dev.monetize.principal";
  /**
   * The caller of a request this filter admitted: the customer (tenant) to partition data by, its
   * plan, key and scopes. Empty for a request the filter did not admit (one outside the catalog).
   */
  public static Optional<dev.monetize.Principal> principal(ServletRequest request) {
    return request.getAttribute(PRINCIPAL_ATTRIBUTE) instanceof dev.monetize.Principal p ? Optional.of(p)
        : Optional.empty();
  }

  /** Request attribute holding the {@link dev.monetize.Decision} of an admitted request. */
  public static final String DECISION_ATTRIBUTE = "dev.monetize.decision";
  /** Request attribute holding the request id (also sent as {@code X-Request-Id}). */
  public static final String REQUEST_ID_ATTRIBUTE = RequestIds.ATTRIBUTE;

  private static final Logger LOG = LoggerFactory.getLogger(MonetizeFilter.class);

  private final Monetize monetize;
  private final UnmatchedRoutes unmatched;
  private final ServedPages pages;
  private final RouteGate gate;
  private volatile java.util.Set<String> operatorPaths = java.util.Set.of();
  private volatile java.util.List<String> passThrough = java.util.List.of();

  /**
   * A filter that answers {@code 404} to every route the catalog does not know (the secure
   * default: an endpoint someone forgot to put in the catalog is never open).
   */
  public MonetizeFilter(Monetize monetize) {
    this(monetize, UnmatchedRoutes.NOT_FOUND);
  }

  /**
   * Serves {@code paths} (exact paths of your own endpoints, such as {@code /metrics}) to the operator
   * only: a request with the operator's credential reaches the endpoint, any other is refused as
   * problem JSON ({@code 401} without a valid credential, {@code 403} with another's), and such
   * requests are not metered. Call before the filter serves requests.
   */
  public MonetizeFilter operatorOnly(String... paths) {
    java.util.Set<String> all = new java.util.HashSet<>(operatorPaths);
    for (String p : paths) {
      if (p == null || !p.startsWith("/")) {
        throw new IllegalArgumentException("an operator path starts with '/', got '" + p + "'");
      }
      all.add(p);
    }
    operatorPaths = java.util.Set.copyOf(all);
    return this;
  }

  /**
   * Leaves every path under {@code prefixes} (such as Spring Boot Actuator's {@code /actuator}) to
   * the application: not monetized, not refused, not metered; whatever protects them there (their own
   * exposure settings, Spring Security) applies. A prefix matches itself and what lies below it
   * ({@code /actuator} matches {@code /actuator/health}, not {@code /actuatorx}). Call before the
   * filter serves requests.
   */
  public MonetizeFilter passThrough(String... prefixes) {
    java.util.List<String> all = new java.util.ArrayList<>(passThrough);
    for (String p : prefixes) {
      if (p == null || !p.startsWith("/") || p.length() < 2 || p.endsWith("/")) {
        throw new IllegalArgumentException("a pass-through prefix starts with '/' and does not end with it, got '"
            + p + "'");
      }
      String covered = covers(p, monetize.managementPrefix()) ? monetize.managementPrefix()
          : monetize.catalog().operations().stream().map(Operation::pathTemplate).filter(t -> covers(p, t)).findFirst()
              .orElse(null);
      if (covered != null) {
        throw new IllegalArgumentException("the pass-through prefix '" + p + "' covers " + covered
            + ", which Monetize must answer: pass through only paths outside the API");
      }
      all.add(p);
    }
    passThrough = java.util.List.copyOf(all);
    LOG.info("MonetizeFilter leaves {} to the application (not monetized)", passThrough);
    return this;
  }

  private static boolean covers(String prefix, String path) {
    return path.equals(prefix) || path.startsWith(prefix + "/");
  }

  /** Whether {@code path} is under a pass-through prefix and no route of the catalog answers it (a variable may). */
  private boolean passesThrough(String method, String path) {
    for (String p : passThrough) {
      if (covers(p, path)) {
        return monetize.route(method, path).isEmpty() && monetize.versionsOn(method, path).isEmpty();
      }
    }
    return false;
  }

  /**
   * A filter with an explicit policy for unmatched routes. {@link UnmatchedRoutes#PASS_THROUGH}
   * serves them without any key, and says so once in the log.
   */
  public MonetizeFilter(Monetize monetize, UnmatchedRoutes unmatched) {
    this.monetize = Objects.requireNonNull(monetize, "monetize");
    this.unmatched = Objects.requireNonNull(unmatched, "unmatched");
    this.pages = new ServedPages(monetize);
    this.gate = new RouteGate(monetize, this.unmatched, pages, this::clientAddress);
    if (unmatched == UnmatchedRoutes.PASS_THROUGH) {
      LOG.warn("MonetizeFilter lets routes outside the catalog through without a key (UnmatchedRoutes.PASS_THROUGH)");
    }
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
    if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
      chain.doFilter(req, res);
      return;
    }
    String path = pathOf(request);
    if (!RawPaths.normalized(request.getRequestURI())) {
      // the container resolves such a path for us, a framework behind us may match the raw one: another route
      gate.refuse(request, response, ErrorCode.BAD_REQUEST, "The path has an empty, '.' or '..' segment or an encoded "
          + "separator; send it normalized.");
      return;
    }
    if (monetize.managementApi().handles(path)) {
      if (gate.refusedForRepeatedCredential(request, response)) {
        return;
      }
      pages.management(request, response, path, clientAddress(request));
      return;
    }
    if (!passThrough.isEmpty() && !operatorPaths.contains(path) && passesThrough(request.getMethod(), path)) {
      chain.doFilter(req, res);
      return;
    }
    if (operatorPaths.contains(path)) { // before any route: an operator path is never a metered one
      if (gate.refusedForRepeatedCredential(request, response)) {
        return;
      }
      String requestId = RequestIds.acceptOrCreate(request.getHeader(RequestIds.HEADER));
      Optional<ManagementApi.Response> refusal = monetize.refuseUnlessOperator(ApiRequest.of(request.getMethod(), path,
          clientAddress(request), requestId, request.getHeader("Authorization"), request.getHeader("X-API-Key")));
      if (refusal.isPresent()) {
        closeIfBodyUnread(request, response);
        ServedPages.write(request, response, requestId, refusal.get());
      } else {
        chain.doFilter(req, res);
      }
      return;
    }
    Optional<Operation> operation = gate.operation(request, response, path, chain);
    if (operation.isEmpty()) {
      return; // answered, or passed on, at the gate
    }
    String requestId = RequestIds.acceptOrCreate(request.getHeader(RequestIds.HEADER));
    Admission admission = monetize.admit(operation.get(), ApiRequest.of(request.getMethod(), path,
        clientAddress(request), requestId, request.getHeader("Authorization"), request.getHeader("X-API-Key"),
        request.getQueryString(), request.getHeader("User-Agent")));
    String acceptEncoding = request.getHeader("Accept-Encoding");
    // before the refusal is answered: a request the service sheds is served from the cache when it can be
    CacheLookup cache = admission.cache(request.getQueryString(), request.getHeader("Accept"), acceptEncoding,
        request::getHeader);
    boolean admitted = admission.admitted();
    if (admitted) { // set one by one: no list, no Header objects
      admission.responseHeaders((name, value) -> add(response, name, value));
    } else {
      admission.responseHeaders((name, value) -> put(response, new Header(name, value)));
    }
    if (!admitted) {
      int status = admission.decision().status();
      long bytes = 0;
      try {
        closeIfBodyUnread(request, response);
        bytes = ServletProblems.send(response, status, admission.problemBody());
      } finally {
        admission.complete(status, bytes);
      }
      return;
    }
    // the attributes (caller, decision, request id, usage reporter) are answered by the wrapper
    MeteredRequest meteredRequest = new MeteredRequest(request, admission, requestId);
    if (cache.hit().isPresent()) {
      CachedAnswers.serve(request, response, admission, cache, chain, meteredRequest);
      return;
    }
    List<Header> missed = cache.headers(0); // a miss: Vary and Cache-Status; the rest once the answer is a 200
    for (int i = 0; i < missed.size(); i++) {
      put(response, missed.get(i));
    }
    MeteredResponse metered = new MeteredResponse(response, admission, monetize);
    CompressingResponse compressing = monetize.compresses() && Compression.acceptsGzip(acceptEncoding)
        && !"HEAD".equals(request.getMethod())
        ? new CompressingResponse(metered) : null;
    HttpServletResponse below = compressing != null ? compressing : metered;
    CapturingResponse capturing = cache.storing() && "GET".equals(request.getMethod()) || cache.hasFallback()
        ? new CapturingResponse(below, cache.hasFallback()) : null;
    boolean failed = true;
    try {
      TenantContext.Scope tenant = TenantContext.open(admission.principal().orElseThrow().customerId());
      try {
        chain.doFilter(meteredRequest, capturing != null ? capturing : below);
      } finally {
        tenant.close(); // the endpoint is done with it: this pooled thread serves others next
      }
      if (compressing != null && request.isAsyncStarted()) {
        compressing.identity();
      }
      if (capturing != null) {
        if (request.isAsyncStarted()) {
          capturing.passThrough(); // answered later: sent as it comes, not stored
          cache.abandon();
        } else {
          CachedAnswers.sendCaptured(request, metered, capturing, cache);
        }
      }
      failed = false;
    } catch (RuntimeException | ServletException | IOException e) {
      boolean tooLarge = dev.monetize.http.BodyTooLargeException.in(e).isPresent();
      boolean malformed = MalformedRequestException.in(e);
      boolean unfinished = !tooLarge && meteredRequest.bodyFailed(); // the body stopped coming, or came too slowly
      if (response.isCommitted() || e instanceof IOException && !tooLarge && !unfinished) {
        request.setAttribute(REQUEST_ID_ATTRIBUTE, requestId); // the container's error page, if it makes one, sends it
        throw e; // a broken connection, or an answer already on its way: nothing to answer with
      }
      response.resetBuffer();
      if (compressing != null) {
        compressing.discard();
      }
      if (tooLarge || malformed || unfinished) { // the caller's mistake, not the endpoint's failure
        cache.abandon();
        closeIfBodyUnread(request, response);
        Throwable unread = meteredRequest.bodyFailure();
        ServletProblems.send(response, monetize.problem(tooLarge ? ErrorCode.PAYLOAD_TOO_LARGE
            : unfinished ? dev.monetize.http.UnreadBody.code(unread) : ErrorCode.BAD_REQUEST,
            tooLarge ? dev.monetize.http.BodyTooLargeException.detail(operation.get().maxBodyBytes())
                : unfinished ? dev.monetize.http.UnreadBody.detail(unread)
                : "The request could not be read: its query string, body or Content-Type is malformed.", requestId));
        failed = false;
      } else {
        // answer like every other error instead of the container's page, which names the exception
        // the application's message may quote a credential: log a redacted copy
        LOG.error("request {} to {} failed in the application", requestId, operation.get().id(), Redaction.redact(e));
        if (cache.insteadOfError(500).isPresent()) {
          CachedAnswers.sendStale(request, metered, cache); // a stale answer instead of the failure
          failed = false;
        } else {
          ServletProblems.send(response, monetize.problem(ErrorCode.INTERNAL,
              "The service failed to answer this request.", requestId));
        }
      }
    } finally {
      if (meteredRequest.bodyFailed()) {
        // the container may answer itself (Tomcat sends its error page for a body cut short, whatever the
        // application or this filter did with the failure; the response then counts as committed to us):
        // that page sends the call's id too
        request.setAttribute(REQUEST_ID_ATTRIBUTE, requestId);
      }
      if (!failed && request.isAsyncStarted()) {
        metered.defaultCacheControl(); // now: the answer may be committed on another thread, past any hook of ours
        admission.handedOff(); // this thread's CPU time is the call's; the rest runs elsewhere
        request.getAsyncContext().addListener(new CompleteOnAsyncEnd(admission, metered, compressing));
      } else {
        if (compressing != null) {
          compressing.finish();
        }
        metered.finish();
        // an exception escaping the application becomes a 500 from the container, unless the body's read failed
        // (the container answers that one 400 or 408 itself: metered and audited as what the caller got)
        admission.complete(!failed ? metered.getStatus() : !meteredRequest.bodyFailed() ? 500
            : meteredRequest.bodyTimedOut() ? 408 : 400, metered.bytesWritten());
      }
    }
  }

  /** Sets {@code h}, adding to a {@code Vary} or {@code Link} the response already holds. */
  static void put(HttpServletResponse response, Header h) {
    response.setHeader(h.name(), h.merges() ? h.mergedWith(response.getHeader(h.name())) : h.value());
  }

  /**
   * Adds a header to an admitted request's response before the application runs: the engine's own
   * headers ({@code X-Request-Id}, {@code RateLimit*}, warnings) are on no response yet, so they are
   * appended without a search for one to replace; {@code Vary} and {@code Link} still merge.
   */
  static void add(HttpServletResponse response, String name, String value) {
    if (Header.merges(name) && response.containsHeader(name)) {
      put(response, new Header(name, value));
    } else {
      response.addHeader(name, value);
    }
  }

  /** The peer, or the client behind it when the peer is a trusted proxy. */
  private String clientAddress(HttpServletRequest request) {
    if (!monetize.trustsProxies()) { // the forwarding headers are not read at all
      String peer = request.getRemoteAddr();
      return peer == null ? "" : peer;
    }
    return monetize.clientAddress(request.getRemoteAddr(), ServedPages.joined(request, "Forwarded", ", "),
        ServedPages.joined(request, "X-Forwarded-For", ", "));
  }

  /** The path inside the web application, decoded and normalised by the container. */
  static String pathOf(HttpServletRequest request) {
    String servletPath = request.getServletPath();
    String pathInfo = request.getPathInfo();
    if (servletPath == null || servletPath.isEmpty()) {
      return pathInfo == null || pathInfo.isEmpty() ? "/" : pathInfo;
    }
    return pathInfo == null ? servletPath : servletPath + pathInfo; // joined only when both hold a part
  }

  private record CompleteOnAsyncEnd(Admission admission, MeteredResponse metered, CompressingResponse compressing)
      implements AsyncListener {
    @Override
    public void onComplete(AsyncEvent event) throws IOException {
      if (compressing != null) {
        compressing.finish();
      }
      metered.finish();
      admission.complete(metered.getStatus(), metered.bytesWritten());
    }

    @Override
    public void onTimeout(AsyncEvent event) {
      admission.complete(503, metered.bytesWritten());
    }

    @Override
    public void onError(AsyncEvent event) {
      admission.complete(500, metered.bytesWritten());
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
      event.getAsyncContext().addListener(this);
    }
  }

  /**
   * A refused request's body is never read (a refused client does not get to make us read it).
   * The container then closes the connection after the answer; saying so in the answer keeps a
   * client from sending its next request on a connection about to close (which it sees as a reset,
   * not as an answer).
   */
  static void closeIfBodyUnread(HttpServletRequest request, HttpServletResponse response) {
    if (request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null) {
      response.setHeader("Connection", "close");
    }
  }
}
