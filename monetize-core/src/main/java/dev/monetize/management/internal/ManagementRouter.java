package dev.monetize.management.internal;

import dev.monetize.ApiRequest;
import dev.monetize.Decision;
import dev.monetize.Principal;
import dev.monetize.audit.AuditEvent;
import dev.monetize.management.ManagementApi;
import dev.monetize.errors.ErrorCode;
import dev.monetize.errors.Problem;
import dev.monetize.errors.ProblemJson;
import dev.monetize.http.Header;
import dev.monetize.keys.Redaction;
import dev.monetize.keys.ScopeEscalationException;
import dev.monetize.limits.LimitRequest;
import dev.monetize.limits.LimiterUnavailableException;
import dev.monetize.limits.RatePolicy;
import dev.monetize.management.ManagementLimits;
import dev.monetize.management.ManagementOperation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link ManagementApi}: routes by the authority table, authenticates, charges, audits, and hands each call to its resource. */
public final class ManagementRouter implements ManagementApi {
  private static final Logger LOG = LoggerFactory.getLogger(ManagementRouter.class);
  private final dev.monetize.internal.FailureLog failures = new dev.monetize.internal.FailureLog(LOG);

  private final ManagementContext context;
  private final String prefix;
  private final ManagementLimits limits;
  private final Map<ManagementOperation, Function<ManagementCall, Response>> handlers;
  private final DashboardResource dashboard;

  /** Serves the management API of the engine behind {@code context}. */
  public ManagementRouter(ManagementContext context, ManagementLimits limits) {
    this.context = context;
    this.prefix = context.prefix();
    this.limits = limits;
    OrganizationResource organizations = new OrganizationResource(context, limits);
    ProjectResource projects = new ProjectResource(context, limits);
    KeyResource keys = new KeyResource(context, limits);
    TokenResource tokens = new TokenResource(context, limits);
    UsageResource usage = new UsageResource(context);
    CreditResource credits = new CreditResource(context);
    InvoiceResource invoices = new InvoiceResource(context);
    Map<ManagementOperation, Function<ManagementCall, Response>> h = new EnumMap<>(ManagementOperation.class);
    h.put(ManagementOperation.ORGANIZATION_CREATE, organizations::createOrganization);
    h.put(ManagementOperation.ORGANIZATION_GET, organizations::getOrganization);
    h.put(ManagementOperation.ORGANIZATION_UPDATE, organizations::updateOrganization);
    h.put(ManagementOperation.PLAN_CHANGE_CANCEL, organizations::cancelPlanChange);
    h.put(ManagementOperation.PROJECT_CREATE, projects::createProject);
    h.put(ManagementOperation.KEY_CREATE, keys::createKey);
    h.put(ManagementOperation.KEY_LIST, keys::listKeys);
    h.put(ManagementOperation.KEY_GET, keys::getKey);
    h.put(ManagementOperation.KEY_ROTATE, keys::rotate);
    h.put(ManagementOperation.KEY_REVOKE, keys::revoke);
    h.put(ManagementOperation.TOKEN_MINT, tokens::mintToken);
    h.put(ManagementOperation.USAGE_GET, usage::usage);
    h.put(ManagementOperation.CREDITS_GET, credits::wallet);
    h.put(ManagementOperation.CREDITS_TOP_UP, credits::topUp);
    h.put(ManagementOperation.INVOICE_LIST, invoices::invoices);
    h.put(ManagementOperation.INVOICE_GET, invoices::invoice);
    h.put(ManagementOperation.CACHE_INVALIDATE, new CacheResource(context)::invalidate);
    AuditResource audit = new AuditResource(context);
    h.put(ManagementOperation.AUDIT_LIST, audit::list);
    h.put(ManagementOperation.AUDIT_EXPORT, audit::export);
    ShieldResource shield = new ShieldResource(context);
    h.put(ManagementOperation.SHIELD_GET, shield::lists);
    h.put(ManagementOperation.SHIELD_DENY, c -> shield.add(c, dev.monetize.shield.ShieldRule.Kind.DENY));
    h.put(ManagementOperation.SHIELD_ALLOW, c -> shield.add(c, dev.monetize.shield.ShieldRule.Kind.ALLOW));
    h.put(ManagementOperation.SHIELD_DENY_REMOVE, c -> shield.remove(c, dev.monetize.shield.ShieldRule.Kind.DENY));
    h.put(ManagementOperation.SHIELD_ALLOW_REMOVE, c -> shield.remove(c, dev.monetize.shield.ShieldRule.Kind.ALLOW));
    h.put(ManagementOperation.SHIELD_BANS, shield::bans);
    h.put(ManagementOperation.SHIELD_LIFT, shield::lift);
    AnalyticsResource analytics = new AnalyticsResource(context);
    h.put(ManagementOperation.ANALYTICS_SLA, analytics::sla);
    h.put(ManagementOperation.ANALYTICS_COSTS, analytics::costs);
    h.put(ManagementOperation.ANALYTICS_CUSTOMERS, analytics::customers);
    h.put(ManagementOperation.ANALYTICS_WHAT_IF, analytics::whatIf);
    h.put(ManagementOperation.PRICING_GET, call -> pricing());
    h.put(ManagementOperation.PLANS_GET, new PlansResource(context)::plans);
    h.put(ManagementOperation.USAGE_DAYS, usage::days);
    DashboardResource dashboard = new DashboardResource(context, limits);
    this.dashboard = dashboard;
    h.put(ManagementOperation.DASHBOARD_PAGE, call -> dashboard.page());
    h.put(ManagementOperation.DASHBOARD_ASSET, call -> dashboard.asset(call.parameter("name")));
    h.put(ManagementOperation.SESSION_OPEN, dashboard::open);
    h.put(ManagementOperation.SESSION_GET, dashboard::who);
    h.put(ManagementOperation.SESSION_CLOSE, dashboard::close);
    for (ManagementOperation op : ManagementOperation.values()) {
      if (!h.containsKey(op)) { // an operation of the table without a handler is a build-time mistake
        throw new IllegalStateException("no handler for management operation " + op);
      }
    }
    this.handlers = h;
  }

  @Override
  public boolean handles(String path) {
    // asked of every request: no string is built to answer it
    return path.startsWith(prefix) && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/');
  }

  @Override
  public ManagementLimits limits() {
    return limits;
  }

  @Override
  public Response handle(Request r) {
    return handle(r, null);
  }

  @Override
  public Optional<Response> answerBeforeBody(Request r, long declaredLength) {
    // the shield first, as handle does it: a refused address costs no credential lookup
    dev.monetize.shield.internal.Shield.Verdict verdict = context.shield().check(r.remoteAddress(),
        context.time().epochNanos());
    if (verdict.refusal().isPresent() || declaredLength > MAX_BODY_BYTES) {
      return Optional.of(handle(r, new Before(verdict, declaredLength > MAX_BODY_BYTES, null, null)));
    }
    Before refused;
    try {
      refused = refusedWhateverItsBody(r, verdict);
    } catch (RuntimeException e) { // a store that fails: the call fails as it would, and never runs without its body
      refused = new Before(verdict, false, null, e);
    }
    return refused == null ? Optional.empty() : Optional.of(handle(r, refused));
  }

  /**
   * What was decided about a call before its body was read, for {@link #handle} to answer as its own
   * (each made, counted and charged once): the shield's verdict, a body declared too large, the
   * refusal of the credential it sent, or the failure met while checking it (a store's).
   */
  private record Before(dev.monetize.shield.internal.Shield.Verdict verdict, boolean tooLarge, Decision credential,
      RuntimeException failure) {}

  /**
   * Whether {@link #handle} refuses the call before it reads the body: no such route, or a route
   * that needs a credential and none that authenticates (a session cookie: no session open with it).
   * Nothing is charged, counted or ended here: the refusal is {@link #handle}'s, with the credential's
   * decision made here once.
   */
  private Before refusedWhateverItsBody(Request r, dev.monetize.shield.internal.Shield.Verdict verdict) {
    Optional<ManagementOperation.Match> match = ManagementOperation.match(r.method(), r.path().substring(prefix.length()));
    if (match.isEmpty()) {
      return new Before(verdict, false, null, null);
    }
    dev.monetize.management.Permission needed = match.get().operation().permission();
    if (needed == dev.monetize.management.Permission.ANYONE
        || needed == dev.monetize.management.Permission.PUBLIC && context.publishesDocs()) {
      return null;
    }
    if (bySession(r)) { // resuming is not asked twice: it ends a session whose key went; handle decides
      return context.sessions().open(r.browser().session().get()) ? null : new Before(verdict, false, null, null);
    }
    Decision d = context.authenticate(ApiRequest.of(r.method(), r.path(), r.remoteAddress(), r.requestId(),
        r.authorization().orElse(null), r.apiKey().orElse(null)));
    return d.admitted() ? null : new Before(verdict, false, d, null);
  }

  /** {@link #handle(Request)}, with what was decided before the body was read ({@code before}, or null). */
  private Response handle(Request r, Before before) {
    List<Header> headers = new ArrayList<>();
    headers.add(new Header("Cache-Control", "no-store"));
    headers.add(new Header("X-Content-Type-Options", "nosniff")); // a detail may quote the request's path
    Response answer;
    Optional<Principal> who = Optional.empty();
    Map<String, String> details = Map.of();
    String operationId = "monetize.management";
    String template = "";
    java.util.Set<String> auditable = java.util.Set.of();
    ErrorCode failure = null; // every error answer is a problem built below, with its code
    dev.monetize.shield.internal.Shield.Verdict verdict = dev.monetize.shield.internal.Shield.Verdict.PASS;
    try {
      long now = context.time().epochNanos();
      verdict = before != null ? before.verdict() : context.shield().check(r.remoteAddress(), now);
      if (verdict.refusal().isPresent()) { // before anything else: no route, body or credential is looked at
        ErrorCode code = verdict.refusal().get();
        throw new ManagementRefusal(code, dev.monetize.shield.internal.Shield.detail(code), verdict.retryAfterSeconds(),
            List.of());
      }
      if (before != null && before.tooLarge() || r.body().length > MAX_BODY_BYTES) {
        throw new ManagementRefusal(ErrorCode.PAYLOAD_TOO_LARGE, "The body is larger than " + MAX_BODY_BYTES + " bytes.");
      }
      String route = r.path().substring(prefix.length());
      ManagementOperation.Match match = ManagementOperation.match(r.method(), route).orElseThrow(() -> {
        List<String> methods = ManagementOperation.methodsOn(route);
        if (methods.isEmpty()) {
          return new ManagementRefusal(ErrorCode.NOT_FOUND, "No management resource at " + shorten(r.path()) + ".");
        }
        String allow = String.join(", ", methods);
        return new ManagementRefusal(ErrorCode.METHOD_NOT_ALLOWED, "Use " + allow + " on this path.", 0,
            List.of(new Header("Allow", allow)));
      });
      operationId = "monetize." + match.operation().name().toLowerCase(java.util.Locale.ROOT);
      template = prefix + match.operation().path();
      auditable = match.operation().queryParameters(); // filters and cursors: no secret among them
      if (match.operation().permission() == dev.monetize.management.Permission.ANYONE) {
        chargeAddress(r); // the dashboard's page and assets: the same bytes for everyone, no data, not audited
        return handlers.get(match.operation()).apply(new ManagementCall(context, r, null, match));
      }
      if (match.operation().permission() == dev.monetize.management.Permission.PUBLIC && context.publishesDocs()) {
        chargeAddress(r); // published, like any price list: no key needed, charged to the client address
        return handlers.get(match.operation()).apply(null); // its query (utm_source...) is no request to us
      }
      if (before != null && before.failure() != null) {
        throw before.failure(); // answered as handle answers a failing store; the operation never runs
      }
      Principal p = authenticate(r, headers, verdict.allowed(), before == null ? null : before.credential());
      who = Optional.of(p);
      chargeCall(p);
      if (bySession(r) && !sessionMay(match.operation())) {
        String what = match.operation().summary().split("[;(.]", 2)[0].strip(); // the verb and its object only
        throw new ManagementRefusal(ErrorCode.SESSION_NOT_ALLOWED, "A dashboard session cannot " + what
            + "; send the API key in the Authorization header.");
      }
      if (r.queryError().isPresent()) { // after authentication: a stranger learns nothing and pays for it
        throw ManagementRefusal.badRequest(r.queryError().get());
      }
      refuseUnknownQuery(r, match.operation());
      ManagementCall call = new ManagementCall(context, r, p, match);
      details = call.details;
      call.details.put("credential", p.credential().kindName());
      if (bySession(r)) {
        call.details.put("via", "dashboard_session");
      }
      p.credential().tokenId().ifPresent(t -> call.details.put("token_id", t));
      // before any handler reads the body: an operator's operation tells nobody else how its body is checked
      ManagementCall.refuseUnless(dev.monetize.management.Authority.beforeTarget(p, match.operation()));
      if (r.body().length > 0 && bodiless(match.operation())) {
        call.bind(Bodies.None.class); // nothing but {} (or nothing): unknown fields are refused here too
      }
      answer = handlers.get(match.operation()).apply(call);
    } catch (ManagementRefusal e) {
      headers.addAll(e.headers());
      failure = e.code();
      answer = problem(failure, e.getMessage(), r.requestId(), headers, e.retryAfter(), e.violatedPolicies());
    } catch (ScopeEscalationException e) {
      failure = ErrorCode.SCOPE_ESCALATION;
      answer = problem(failure, e.getMessage() + ".", r.requestId(), headers, 0);
    } catch (LimiterUnavailableException e) {
      failure = ErrorCode.STORE_UNAVAILABLE;
      answer = problem(failure, "Limits cannot be checked right now.", r.requestId(), headers, 1);
    } catch (RuntimeException | LinkageError e) { // a broken deployment too answers as problem JSON
      failures.failed("management request", r.requestId(), e, Redaction.redact(e));
      failure = ErrorCode.INTERNAL;
      answer = problem(failure, "The request could not be completed.", r.requestId(), headers, 0);
    }
    try {
      context.audit(new AuditEvent(context.time().now(), r.requestId(), who.map(Principal::customerId),
          who.map(Principal::keyId), operationId, r.method(), shorten(dev.monetize.keys.Redaction.redact(r.path())),
          r.remoteAddress(), answer.status(), failure == null ? "admitted" : failure.code(), 0, answer.body().length,
          redacted(details), 0, 0, "", "", "", template, who.isPresent() ? context.redaction().redact(r.query(), auditable)
              : Map.of(), dev.monetize.audit.internal.QueryRedaction.cut(r.userAgent(), 256)));
    } catch (RuntimeException | Error e) {
      answer.sent(); // never handed over: what it holds (an export's slots) goes now, not when it is collected
      throw e;
    }
    return answer;
  }

  /**
   * {@code details} with every key or token in them replaced: what a caller sent in the wrong place (a
   * secret as a top-up's id) is not kept in the trail. The map itself when it holds none.
   */
  static Map<String, String> redacted(Map<String, String> details) {
    boolean any = false;
    for (Map.Entry<String, String> e : details.entrySet()) {
      any |= Redaction.containsSecret(e.getKey()) || Redaction.containsSecret(e.getValue());
    }
    if (!any) {
      return details;
    }
    Map<String, String> out = new java.util.TreeMap<>();
    details.forEach((k, v) -> out.merge(Redaction.redact(k), Redaction.redact(v), (a, b) -> a + "," + b));
    return out;
  }

  /** Whether {@code op} reads no body: every GET and DELETE, a revocation and a dashboard sign-in. */
  private static boolean bodiless(ManagementOperation op) {
    return op.method().equals("GET") || op.method().equals("DELETE") || op == ManagementOperation.KEY_REVOKE
        || op == ManagementOperation.SESSION_OPEN;
  }

  /** Unknown query parameters are refused, as unknown body fields are: a misspelled filter never widens a read. */
  private static void refuseUnknownQuery(Request r, ManagementOperation operation) {
    for (String name : new java.util.TreeSet<>(r.query().keySet())) {
      if (!operation.queryParameters().contains(name)) {
        throw ManagementRefusal.badRequest("Unknown query parameter '" + shorten(name) + "'; "
            + (operation.queryParameters().isEmpty() ? "this operation takes none."
                : "this operation takes " + String.join(", ", operation.queryParameters()) + "."));
      }
    }
  }

  /**
   * Whether the request is authenticated by its dashboard session: it carries the cookie and no
   * other credential, and either only reads or carries the dashboard's marker header (which another
   * site's page cannot send), so a session never changes anything for a forged cross-site request.
   */
  static boolean bySession(Request r) {
    return r.authorization().filter(ManagementRouter::bearer).isEmpty() && r.apiKey().isEmpty()
        && r.browser().session().isPresent()
        && (r.method().equals("GET") || r.method().equals("HEAD") || r.browser().marked());
  }

  /**
   * Whether an {@code Authorization} header is of our scheme: a proxy's {@code Basic} (a browser behind a
   * password-protected gate sends it on every request) is not a credential of ours beside a session.
   */
  private static boolean bearer(String authorization) {
    String v = authorization.strip();
    return v.regionMatches(true, 0, "Bearer", 0, 6) && (v.length() == 6 || v.charAt(6) == ' ' || v.charAt(6) == '\t');
  }

  /**
   * What a dashboard session may do: read, rotate and revoke keys, sign out. Nothing it does
   * creates a credential that outlives it (no key, project or token) or is the operator's change.
   */
  private static boolean sessionMay(ManagementOperation op) {
    return op.method().equals("GET") || op == ManagementOperation.KEY_ROTATE || op == ManagementOperation.KEY_REVOKE
        || op == ManagementOperation.SESSION_CLOSE;
  }

  private Principal authenticate(Request r, List<Header> headers, boolean allowed, Decision known) {
    boolean session = bySession(r);
    Decision d = known != null ? known : session ? context.sessions().resume(r.browser().session().get())
        : context.authenticate(ApiRequest.of(r.method(), r.path(), r.remoteAddress(), r.requestId(),
            r.authorization().orElse(null), r.apiKey().orElse(null)));
    if (!d.admitted() && session) { // a 256-bit random secret is not guessed: no strike, the stale cookie goes
      headers.add(new Header("Set-Cookie", dashboard.cleared(r.browser())));
      chargeAddress(r);
      throw new ManagementRefusal(d.error().orElseThrow(), d.detail());
    }
    if (!d.admitted()) {
      ErrorCode code = d.error().orElseThrow();
      headers.add(new Header("WWW-Authenticate", code == ErrorCode.KEY_MISSING
          ? "Bearer realm=\"monetize\"" : "Bearer realm=\"monetize\", error=\"invalid_token\""));
      chargeAddress(r); // a flood of bad credentials is charged too: to the address it comes from
      context.shield().failed(r.remoteAddress(), context.time().epochNanos(), allowed);
      throw new ManagementRefusal(code, d.detail());
    }
    return d.principal().orElseThrow();
  }

  /** Every management call costs one unit of the key's and of the organization's management rate. */
  private void chargeCall(Principal p) {
    String tag = "{" + p.customerId() + "}:mgmt:";
    ManagementCall.charge(context, List.of(
        new LimitRequest(tag + "k:" + p.keyId(), new RatePolicy("management-key", limits.perKey()), 1),
        new LimitRequest(tag + "o", new RatePolicy("management-organization", limits.perOrganization()), 1)),
        "management calls");
  }

  /** Calls without a valid credential cost one unit of their client address's management rate. */
  private void chargeAddress(Request r) {
    chargeAddress(r.remoteAddress());
  }

  private void chargeAddress(String clientAddress) {
    // per client, as the shield counts them: every spelling of an address, and every address of an IPv6 /64, is one
    ManagementCall.charge(context, "{ip:" + dev.monetize.http.Cidr.clientKey(clientAddress) + "}:mgmt",
        "management-address", limits.perKey(), "management calls");
  }

  @Override
  public Optional<Response> refusePublishedPage(String clientAddress, String requestId) {
    if (clientAddress == null || clientAddress.isBlank()) {
      return Optional.empty(); // an adapter that cannot tell clients apart: one budget for all would lock all out
    }
    List<Header> headers = new ArrayList<>();
    headers.add(new Header("Cache-Control", "no-store"));
    headers.add(new Header("X-Content-Type-Options", "nosniff"));
    try {
      dev.monetize.shield.internal.Shield.Verdict verdict = context.shield().check(clientAddress,
          context.time().epochNanos());
      if (verdict.refusal().isPresent()) {
        ErrorCode code = verdict.refusal().get();
        return Optional.of(problem(code, dev.monetize.shield.internal.Shield.detail(code), requestId, headers,
            verdict.retryAfterSeconds()));
      }
      chargeAddress(clientAddress);
      return Optional.empty();
    } catch (ManagementRefusal e) {
      headers.addAll(e.headers());
      return Optional.of(problem(e.code(), e.getMessage(), requestId, headers, e.retryAfter(), e.violatedPolicies()));
    } catch (LimiterUnavailableException e) {
      return Optional.of(problem(ErrorCode.STORE_UNAVAILABLE, "Limits cannot be checked right now.", requestId,
          headers, 1));
    } catch (RuntimeException e) {
      failures.failed("published page request", requestId, e, Redaction.redact(e));
      return Optional.of(problem(ErrorCode.INTERNAL, "The request could not be completed.", requestId, headers, 0));
    }
  }

  private Response pricing() {
    // shared caches may keep the published list; one read with a credential is the reader's only
    String cache = context.publishesDocs() ? "public, max-age=300" : "private, max-age=300";
    // no script may run and nothing may be sent from it; it may be framed (an operator's site shows its
    // prices), as it holds nothing to click and nothing of anyone's
    return new Response(200, "text/html; charset=utf-8", List.of(new Header("Cache-Control", cache),
        new Header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
            + "form-action 'none'"), new Header("X-Content-Type-Options", "nosniff"),
        new Header("Referrer-Policy", "no-referrer")),
        dev.monetize.docs.PricingPage.html(context.catalog(), "Pricing").getBytes(StandardCharsets.UTF_8));
  }

  static String shorten(String path) {
    return path.length() > 200 ? path.substring(0, 200) + "..." : path;
  }

  private Response problem(ErrorCode code, String detail, String requestId, List<Header> headers, long retryAfter) {
    return problem(code, detail, requestId, headers, retryAfter, List.of());
  }

  /**
   * The problem answer, with {@code violated_policies} when limits refused (as an API refusal has it).
   * A detail quoting what the caller sent never quotes a key or a token (a secret put in an id's place).
   */
  private Response problem(ErrorCode code, String detail, String requestId, List<Header> headers, long retryAfter,
      List<String> violatedPolicies) {
    Problem p = context.problem(code, Redaction.redact(detail), requestId).withHint(code.hint());
    if (!violatedPolicies.isEmpty()) {
      p = p.with("violated_policies", violatedPolicies);
    }
    List<Header> out = new ArrayList<>(headers);
    if (retryAfter > 0) {
      out.add(new Header("Retry-After", Long.toString(retryAfter)));
    }
    for (Header h : out) {
      if (h.name().equals("Retry-After")) {
        p = p.with("retry_after", Long.parseLong(h.value()));
      }
    }
    return new Response(code.status(), "application/problem+json", out, ProblemJson.toBytes(p));
  }
}
