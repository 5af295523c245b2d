package dev.monetize;

import com.fasterxml.jackson.databind.JsonNode;
import dev.monetize.audit.AuditEvent;
import dev.monetize.errors.ErrorCode;
import dev.monetize.errors.Problem;
import dev.monetize.errors.ProblemJson;
import dev.monetize.http.Header;
import dev.monetize.http.RateLimitHeaders;
import dev.monetize.keys.Redaction;
import dev.monetize.keys.ScopeEscalationException;
import dev.monetize.limits.LimitRequest;
import dev.monetize.limits.LimitVerdict;
import dev.monetize.limits.LimiterUnavailableException;
import dev.monetize.limits.PolicyState;
import dev.monetize.limits.RatePolicy;
import dev.monetize.management.ManagementLimits;
import dev.monetize.management.ManagementOperation;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Rate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management API, framework-free: adapters hand it the method, path, query, credential and
 * body of a request under the management prefix and write back what it returns. JSON in and out
 * (snake_case), errors as problem details.
 *
 * <p>Who may do what is decided in one place: every route is a row of
 * {@link ManagementOperation} (the permission it needs and the rule for its target), and every
 * handler asks {@link dev.monetize.management.Authority} before it acts. The operator holds the
 * reserved scope {@code monetize:admin} literally (no wildcard grants it); an organization's
 * administrator holds {@code keys:write} and acts on its own organization only (anything of another
 * organization is {@code 404}, never {@code 403}). Tokens never create, rotate or revoke keys or
 * mint tokens, whatever header carries them. Every call is charged to the calling key and its
 * organization ({@link ManagementLimits}), calls without a valid credential to their client
 * address; creation is capped in count. Responses never contain
 * hashes; secrets only in the create and rotate answers.
 */
public final class ManagementApi {
  /** The scope of the operator. Reserved: never granted by a wildcard. */
  public static final String OPERATOR_SCOPE = "monetize:admin";
  /** The scope of an organization's own administrator. */
  public static final String ADMIN_SCOPE = "keys:write";
  /** Largest request body accepted. */
  public static final int MAX_BODY_BYTES = 64 * 1024;
  private static final Logger LOG = LoggerFactory.getLogger(ManagementApi.class);

  private final Monetize monetize;
  private final String prefix;
  private final Operation asOperation;
  private final ManagementLimits limits;
  private final Map<ManagementOperation, Function<ManagementCall, Response>> handlers;

  ManagementApi(Monetize monetize, ManagementLimits limits) {
    this.monetize = monetize;
    this.prefix = monetize.managementPrefix();
    this.limits = limits;
    this.asOperation = Operation.builder("monetize.management", "POST", prefix).scope("monetize:management").build();
    KeyResources keys = new KeyResources(monetize, this);
    AccountResources account = new AccountResources(monetize);
    Map<ManagementOperation, Function<ManagementCall, Response>> h = new EnumMap<>(ManagementOperation.class);
    h.put(ManagementOperation.ORGANIZATION_CREATE, keys::createOrganization);
    h.put(ManagementOperation.ORGANIZATION_GET, keys::getOrganization);
    h.put(ManagementOperation.PROJECT_CREATE, keys::createProject);
    h.put(ManagementOperation.KEY_CREATE, keys::createKey);
    h.put(ManagementOperation.KEY_LIST, keys::listKeys);
    h.put(ManagementOperation.KEY_GET, keys::getKey);
    h.put(ManagementOperation.KEY_ROTATE, keys::rotate);
    h.put(ManagementOperation.KEY_REVOKE, keys::revoke);
    h.put(ManagementOperation.TOKEN_MINT, keys::mintToken);
    h.put(ManagementOperation.USAGE_GET, account::usage);
    h.put(ManagementOperation.CREDITS_GET, account::wallet);
    h.put(ManagementOperation.CREDITS_TOP_UP, account::topUp);
    h.put(ManagementOperation.INVOICE_LIST, account::invoices);
    h.put(ManagementOperation.INVOICE_GET, account::invoice);
    h.put(ManagementOperation.PRICING_GET, call -> pricing());
    for (ManagementOperation op : ManagementOperation.values()) {
      if (!h.containsKey(op)) { // an operation of the table without a handler is a build-time mistake
        throw new IllegalStateException("no handler for management operation " + op);
      }
    }
    this.handlers = h;
  }

  /**
   * One request to the management API.
   *
   * @param method HTTP method
   * @param path the path inside the application, starting with the prefix
   * @param query decoded query parameters (first value of each)
   * @param authorization the {@code Authorization} header, if any
   * @param apiKey the {@code X-API-Key} header, if any
   * @param body the request body (at most {@link #MAX_BODY_BYTES})
   * @param remoteAddress client address
   * @param requestId the request id
   */
  public record Request(String method, String path, Map<String, String> query, Optional<String> authorization,
      Optional<String> apiKey, byte[] body, String remoteAddress, String requestId) {
    /** Copies. */
    public Request {
      query = Map.copyOf(query);
      body = body.clone();
    }
  }

  /**
   * The answer.
   *
   * @param status HTTP status
   * @param contentType {@code application/json} or {@code application/problem+json}
   * @param headers further headers (Allow, Retry-After, WWW-Authenticate, Cache-Control, RateLimit)
   * @param body the body
   */
  public record Response(int status, String contentType, List<Header> headers, byte[] body) {
    /** Copies. */
    public Response {
      headers = List.copyOf(headers);
      body = body.clone();
    }
  }

  /** Whether {@code path} belongs to the management API. */
  public boolean handles(String path) {
    return path.equals(prefix) || path.startsWith(prefix + "/");
  }

  /** The limits this API charges. */
  public ManagementLimits limits() {
    return limits;
  }

  /** Answers one request. Never throws for any input. */
  public Response handle(Request r) {
    List<Header> headers = new ArrayList<>();
    headers.add(new Header("Cache-Control", "no-store"));
    Response answer;
    Optional<Principal> who = Optional.empty();
    Map<String, String> details = Map.of();
    String operationId = "monetize.management";
    try {
      if (r.body().length > MAX_BODY_BYTES) {
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
      if (match.operation().permission() == dev.monetize.management.Permission.PUBLIC) {
        chargeAddress(r); // public, like any price list: no key needed, charged to the client address
        return handlers.get(match.operation()).apply(null);
      }
      Principal p = authenticate(r, headers);
      who = Optional.of(p);
      chargeCall(p);
      ManagementCall call = new ManagementCall(r, p, match);
      details = call.details;
      call.details.put("credential", p.credential().kindName());
      p.credential().tokenId().ifPresent(t -> call.details.put("token_id", t));
      answer = handlers.get(match.operation()).apply(call);
    } catch (ManagementRefusal e) {
      headers.addAll(e.headers());
      answer = problem(e.code(), e.getMessage(), r.requestId(), headers, e.retryAfter());
    } catch (ScopeEscalationException e) {
      answer = problem(ErrorCode.SCOPE_ESCALATION, e.getMessage() + ".", r.requestId(), headers, 0);
    } catch (LimiterUnavailableException e) {
      answer = problem(ErrorCode.STORE_UNAVAILABLE, "Limits cannot be checked right now.", r.requestId(), headers, 1);
    } catch (RuntimeException e) {
      LOG.error("management request {} failed", r.requestId(), Redaction.redact(e));
      answer = problem(ErrorCode.INTERNAL, "The request could not be completed.", r.requestId(), headers, 0);
    }
    monetize.auditManagement(new AuditEvent(monetize.now(), r.requestId(), who.map(Principal::customerId),
        who.map(Principal::keyId), operationId, r.method(), shorten(r.path()), r.remoteAddress(), answer.status(),
        answer.status() < 400 ? "admitted" : errorName(answer), 0, answer.body().length, details));
    return answer;
  }

  private Principal authenticate(Request r, List<Header> headers) {
    Decision d = monetize.authenticate(ApiRequest.of(r.method(), r.path(), r.remoteAddress(), r.requestId(),
        r.authorization().orElse(null), r.apiKey().orElse(null)), asOperation);
    if (!d.admitted()) {
      ErrorCode code = d.error().orElseThrow();
      headers.add(new Header("WWW-Authenticate", code == ErrorCode.KEY_MISSING
          ? "Bearer realm=\"monetize\"" : "Bearer realm=\"monetize\", error=\"invalid_token\""));
      chargeAddress(r); // a flood of bad credentials is charged too: to the address it comes from
      throw new ManagementRefusal(code, d.detail());
    }
    return d.principal().orElseThrow();
  }

  /** Calls without a valid credential cost one unit of their client address's management rate. */
  private void chargeAddress(Request r) {
    charge("{ip:" + r.remoteAddress() + "}:mgmt", "management-address", limits.perKey(), "management calls");
  }

  /** Every management call costs one unit of the key's and of the organization's management rate. */
  private void chargeCall(Principal p) {
    String tag = "{" + p.customerId() + "}:mgmt:";
    charge(List.of(new LimitRequest(tag + "k:" + p.keyId(), new RatePolicy("management-key", limits.perKey()), 1),
        new LimitRequest(tag + "o", new RatePolicy("management-organization", limits.perOrganization()), 1)),
        "management calls");
  }

  /** Charges one unit of {@code rate} under {@code key}; refuses with 429 and headers when it is used up. */
  void charge(String key, String policy, Rate rate, String what) {
    charge(List.of(new LimitRequest(key, new RatePolicy(policy, rate), 1)), what);
  }

  private void charge(List<LimitRequest> requests, String what) {
    LimitVerdict v = monetize.limiterStore().acquire(requests, monetize.nowNanos());
    if (!v.admitted()) {
      long retry = Math.max(1, PolicyState.ceilSeconds(v.retryAfterNanos()));
      List<Header> h = List.of(new Header("Retry-After", Long.toString(retry)),
          new Header(RateLimitHeaders.POLICY, RateLimitHeaders.policy(v.policies())),
          new Header(RateLimitHeaders.STATE, RateLimitHeaders.state(v.policies())));
      throw new ManagementRefusal(ErrorCode.RATE_LIMITED, "Too many " + what + ". Retry in " + retry + " s.", 0, h);
    }
  }

  /** Refuses creating one more of {@code what} when {@code count} already reached {@code max}. */
  static void requireRoom(String what, long count, long max, String holder) {
    if (count >= max) {
      String name = "\"" + what + "\"";
      throw new ManagementRefusal(ErrorCode.COUNT_LIMIT_REACHED, holder + " already holds " + count + " " + what
          + ", the most allowed (" + max + ").", 0, List.of(new Header(RateLimitHeaders.POLICY, name + ";q=" + max),
          new Header(RateLimitHeaders.STATE, name + ";r=0")));
    }
  }

  private Response pricing() {
    return new Response(200, "text/html; charset=utf-8", List.of(new Header("Cache-Control", "public, max-age=300")),
        dev.monetize.docs.PricingPage.html(monetize.catalog(), "Pricing").getBytes(StandardCharsets.UTF_8));
  }

  private static String shorten(String path) {
    return path.length() > 200 ? path.substring(0, 200) + "..." : path;
  }

  private static String errorName(Response r) {
    try {
      JsonNode n = ManagementCall.JSON.readTree(r.body());
      return n.path("code").asText("error");
    } catch (IOException e) {
      return "error";
    }
  }

  static Response ok(int status, JsonNode body) {
    try {
      return new Response(status, "application/json", List.of(new Header("Cache-Control", "no-store")),
          ManagementCall.JSON.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private Response problem(ErrorCode code, String detail, String requestId, List<Header> headers, long retryAfter) {
    Problem p = monetize.problem(code, detail, requestId).withHint(code.hint());
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
