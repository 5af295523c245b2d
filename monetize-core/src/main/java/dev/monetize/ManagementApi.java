package dev.monetize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monetize.audit.AuditEvent;
import dev.monetize.errors.ErrorCode;
import dev.monetize.errors.Problem;
import dev.monetize.errors.ProblemJson;
import dev.monetize.http.Header;
import dev.monetize.keys.ApiKey;
import dev.monetize.keys.ApiKeys;
import dev.monetize.keys.IssuedKey;
import dev.monetize.keys.KeyRequest;
import dev.monetize.keys.KeyStatus;
import dev.monetize.keys.Project;
import dev.monetize.keys.ScopeEscalationException;
import dev.monetize.limits.LimitRequest;
import dev.monetize.limits.LimitVerdict;
import dev.monetize.limits.LimiterUnavailableException;
import dev.monetize.limits.PolicyState;
import dev.monetize.limits.RatePolicy;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;
import dev.monetize.plans.Quota;
import dev.monetize.plans.Rate;
import dev.monetize.plans.Scopes;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The management API, framework-free: adapters hand it the method, path, query, credential and
 * body of a request under the management prefix and write back what it returns. JSON in and out
 * (snake_case), errors as problem details.
 *
 * <p>Two kinds of administrator: the operator (a key holding the literal scope
 * {@code monetize:admin}: organizations, their plans and every key) and an organization's own
 * administrator (scope {@code keys:write}: projects and keys of its organization only; anything of
 * another organization is {@code 404}, never {@code 403}). Any key may mint tokens for itself.
 * Responses never contain hashes; secrets only in the create and rotate answers. Key creation and
 * token minting are rate limited.
 */
public final class ManagementApi {
  /** The scope of the operator. Never granted by a wildcard. */
  public static final String OPERATOR_SCOPE = "monetize:admin";
  /** The scope of an organization's own administrator. */
  public static final String ADMIN_SCOPE = "keys:write";
  /** Largest request body accepted. */
  public static final int MAX_BODY_BYTES = 64 * 1024;
  private static final int MAX_PAGE = 100;
  private static final int DEFAULT_PAGE = 20;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Rate KEY_CREATION = Rate.perMinute(30).withBurst(9);
  private static final Rate TOKEN_MINTING = Rate.perMinute(120).withBurst(29);

  private final Monetize monetize;
  private final String prefix;
  private final Operation asOperation;

  ManagementApi(Monetize monetize) {
    this.monetize = monetize;
    this.prefix = monetize.managementPrefix();
    this.asOperation = Operation.builder("monetize.management", "POST", prefix).scope("monetize:management").build();
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
   * @param headers further headers (Allow, Retry-After, WWW-Authenticate, Cache-Control)
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

  /** Answers one request. Never throws for any input. */
  public Response handle(Request r) {
    List<Header> headers = new ArrayList<>();
    headers.add(new Header("Cache-Control", "no-store"));
    Response answer;
    Optional<Principal> who = Optional.empty();
    try {
      if (r.body().length > MAX_BODY_BYTES) {
        throw new Refusal(ErrorCode.PAYLOAD_TOO_LARGE, "The body is larger than " + MAX_BODY_BYTES + " bytes.");
      }
      String route = r.path().substring(prefix.length());
      if (route.equals("/pricing") && r.method().equals("GET")) {
        // public, like any price list: no key needed
        return new Response(200, "text/html; charset=utf-8", List.of(new Header("Cache-Control", "public, max-age=300")),
            dev.monetize.docs.PricingPage.html(monetize.catalog(), "Pricing").getBytes(StandardCharsets.UTF_8));
      }
      Decision d = monetize.authenticate(ApiRequest.of(r.method(), r.path(), r.remoteAddress(), r.requestId(),
          r.authorization().orElse(null), r.apiKey().orElse(null)), asOperation);
      if (!d.admitted()) {
        ErrorCode code = d.error().orElseThrow();
        headers.add(new Header("WWW-Authenticate", code == ErrorCode.KEY_MISSING
            ? "Bearer realm=\"monetize\"" : "Bearer realm=\"monetize\", error=\"invalid_token\""));
        throw new Refusal(code, d.detail());
      }
      Principal p = d.principal().orElseThrow();
      who = Optional.of(p);
      boolean token = r.authorization().map(a -> a.trim().length() > 7
          && dev.monetize.tokens.Tokens.looksLikeToken(a.trim().substring(7).trim())).orElse(false);
      answer = route(r, route, new Caller(p, token), headers);
    } catch (Refusal e) {
      answer = problem(e.code, e.getMessage(), r.requestId(), headers, e.retryAfter);
    } catch (ScopeEscalationException e) {
      answer = problem(ErrorCode.SCOPE_ESCALATION, e.getMessage() + ".", r.requestId(), headers, 0);
    } catch (LimiterUnavailableException e) {
      answer = problem(ErrorCode.STORE_UNAVAILABLE, "Limits cannot be checked right now.", r.requestId(), headers, 1);
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(ManagementApi.class).error("management request {} failed: {}",
          r.requestId(), e.toString());
      answer = problem(ErrorCode.INTERNAL, "The request could not be completed.", r.requestId(), headers, 0);
    }
    monetize.auditManagement(new AuditEvent(monetize.now(), r.requestId(), who.map(Principal::customerId),
        who.map(Principal::keyId), "monetize.management", r.method(), r.path(), r.remoteAddress(), answer.status(),
        answer.status() < 400 ? "admitted" : errorName(answer), 0, answer.body().length));
    return answer;
  }

  private static String errorName(Response r) {
    try {
      JsonNode n = JSON.readTree(r.body());
      return n.path("code").asText("error");
    } catch (IOException e) {
      return "error";
    }
  }

  /** Who is calling. */
  private record Caller(Principal principal, boolean viaToken) {
    boolean operator() {
      return principal.scopes().contains(OPERATOR_SCOPE);
    }

    boolean adminOf(String organizationId) {
      return operator() || (principal.customerId().equals(organizationId)
          && Scopes.grants(principal.scopes(), ADMIN_SCOPE));
    }
  }

  private Response route(Request r, String route, Caller c, List<Header> headers) {
    String[] parts = route.isEmpty() ? new String[0] : route.substring(1).split("/", -1);
    String m = r.method();
    if (parts.length == 1 && parts[0].equals("organizations")) {
      return only(m, "POST", headers, () -> createOrganization(r, c));
    }
    if (parts.length == 2 && parts[0].equals("organizations")) {
      return only(m, "GET", headers, () -> getOrganization(parts[1], c));
    }
    if (parts.length == 1 && parts[0].equals("projects")) {
      return only(m, "POST", headers, () -> createProject(r, c));
    }
    if (parts.length == 1 && parts[0].equals("keys")) {
      if (m.equals("GET")) {
        return listKeys(r, c);
      }
      return only(m, "POST", headers("GET, POST", headers), () -> createKey(r, c));
    }
    if (parts.length == 2 && parts[0].equals("keys")) {
      return only(m, "GET", headers, () -> ok(200, keyJson(visibleKey(parts[1], c))));
    }
    if (parts.length == 3 && parts[0].equals("keys") && parts[2].equals("rotate")) {
      return only(m, "POST", headers, () -> rotate(r, parts[1], c));
    }
    if (parts.length == 3 && parts[0].equals("keys") && parts[2].equals("revoke")) {
      return only(m, "POST", headers, () -> revoke(parts[1], c));
    }
    if (parts.length == 1 && parts[0].equals("invoices")) {
      return only(m, "GET", headers, () -> invoices(c));
    }
    if (parts.length == 2 && parts[0].equals("invoices")) {
      return only(m, "GET", headers, () -> invoice(c, parts[1], r.query().getOrDefault("format", "json")));
    }
    if (parts.length == 1 && parts[0].equals("credits")) {
      if (m.equals("GET")) {
        return wallet(r, c);
      }
      return only(m, "POST", headers("GET, POST", headers), () -> topUp(r, c));
    }
    if (parts.length == 1 && parts[0].equals("usage")) {
      return only(m, "GET", headers, () -> usage(c));
    }
    if (parts.length == 1 && parts[0].equals("tokens")) {
      return only(m, "POST", headers, () -> mintToken(r, c));
    }
    throw new Refusal(ErrorCode.NOT_FOUND, "No management resource at " + r.path() + ".");
  }

  private static List<Header> headers(String allow, List<Header> headers) {
    headers.add(new Header("Allow", allow));
    return headers;
  }

  private interface Action {
    Response run();
  }

  private static Response only(String method, String allowed, List<Header> headers, Action action) {
    if (!method.equals(allowed) && !(allowed.contains(",") && allowed.contains(method))) {
      if (headers.stream().noneMatch(h -> h.name().equals("Allow"))) {
        headers.add(new Header("Allow", allowed));
      }
      throw new Refusal(ErrorCode.METHOD_NOT_ALLOWED, "Use " + allowed + " on this path.");
    }
    return action.run();
  }

  // ---- organizations

  private Response createOrganization(Request r, Caller c) {
    if (!c.operator()) {
      throw new Refusal(ErrorCode.SCOPE_DENIED, "Creating organizations needs a key with scope '" + OPERATOR_SCOPE + "'.");
    }
    JsonNode body = body(r, Set.of("id", "name", "plan", "billing_day", "time_zone"));
    String name = text(body, "name", true).orElseThrow();
    String plan = text(body, "plan", true).orElseThrow();
    if (monetize.catalog().plan(plan).isEmpty()) {
      throw new Refusal(ErrorCode.BAD_REQUEST, "plan: '" + plan + "' is not a plan; plans are "
          + monetize.catalog().plans().stream().map(Plan::name).toList() + ".");
    }
    String id = text(body, "id", false).orElseGet(() -> "org_" + ApiKeys.newKeyId(monetize.random()).substring(4));
    int day = (int) number(body, "billing_day", 1, 31).orElse(1L).longValue();
    ZoneId zone;
    try {
      zone = ZoneId.of(text(body, "time_zone", false).orElse("UTC"));
    } catch (DateTimeException e) {
      throw new Refusal(ErrorCode.BAD_REQUEST, "time_zone: not a time zone id such as Europe/Berlin.");
    }
    Customer org;
    try {
      org = new Customer(id, plan, BillingAnchor.of(day, zone), name);
    } catch (IllegalArgumentException e) {
      throw new Refusal(ErrorCode.BAD_REQUEST, e.getMessage() + ".");
    }
    if (monetize.customer(id).isPresent()) {
      throw new Refusal(ErrorCode.BAD_REQUEST, "id: organization '" + id + "' already exists.");
    }
    monetize.saveCustomer(org);
    return ok(201, orgJson(org));
  }

  private Response getOrganization(String id, Caller c) {
    Customer org = monetize.customer(id).filter(o -> c.adminOf(o.id()) || c.principal.customerId().equals(o.id()))
        .orElseThrow(() -> notFound("organization", id));
    return ok(200, orgJson(org));
  }

  private ObjectNode orgJson(Customer org) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", org.id());
    n.put("name", org.name());
    n.put("plan", org.plan());
    n.put("billing_day", org.billingAnchor().dayOfMonth());
    n.put("time_zone", org.billingAnchor().zone().getId());
    return n;
  }

  // ---- projects

  private Response createProject(Request r, Caller c) {
    JsonNode body = body(r, Set.of("organization_id", "name", "scopes"));
    String orgId = text(body, "organization_id", true).orElseThrow();
    requireAdmin(c, orgId, "organization", orgId);
    String name = text(body, "name", true).orElseThrow();
    if (name.length() > 200) {
      throw new Refusal(ErrorCode.BAD_REQUEST, "name: at most 200 characters.");
    }
    Set<String> scopes = scopes(body, false);
    if (!c.operator()) {
      requireCovered(c.principal.scopes(), scopes, "your key");
    }
    Project p = monetize.createProject(orgId, name, scopes);
    ObjectNode n = JSON.createObjectNode();
    n.put("id", p.id());
    n.put("organization_id", p.organizationId());
    n.put("name", p.name());
    ArrayNode a = n.putArray("scopes");
    new TreeSet<>(p.scopes()).forEach(a::add);
    n.put("created_at", p.createdAt().toString());
    return ok(201, n);
  }

  // ---- keys

  private Response createKey(Request r, Caller c) {
    if (c.viaToken) {
      throw new Refusal(ErrorCode.SCOPE_ESCALATION, "Tokens cannot create keys; use an API key.");
    }
    JsonNode body = body(r, Set.of("organization_id", "project_id", "scopes", "expires_at", "environment", "limits", "name"));
    Optional<String> projectId = text(body, "project_id", false);
    Optional<String> orgField = text(body, "organization_id", false);
    String orgId;
    if (projectId.isPresent()) {
      Project p = monetize.project(projectId.get()).orElseThrow(() -> notFound("project", projectId.get()));
      if (!c.adminOf(p.organizationId()) || orgField.map(o -> !o.equals(p.organizationId())).orElse(false)) {
        throw notFound("project", projectId.get());
      }
      orgId = p.organizationId();
    } else {
      orgId = orgField.orElseThrow(() -> new Refusal(ErrorCode.BAD_REQUEST,
          "organization_id or project_id: one is required."));
      requireAdmin(c, orgId, "organization", orgId);
    }
    Customer org = monetize.customer(orgId).orElseThrow(() -> notFound("organization", orgId));
    Set<String> scopes = scopes(body, true);
    if (!c.operator()) {
      requireCovered(c.principal.scopes(), scopes, "your key");
      for (String s : scopes) {
        if (Scopes.covers(s, OPERATOR_SCOPE) && !s.equals("*")) {
          throw new Refusal(ErrorCode.SCOPE_ESCALATION, "Only the operator may grant '" + s + "'.");
        }
      }
    }
    Optional<Instant> expiresAt = text(body, "expires_at", false).map(t -> {
      try {
        return Instant.parse(t);
      } catch (DateTimeException e) {
        throw new Refusal(ErrorCode.BAD_REQUEST, "expires_at: an ISO-8601 instant such as 2027-01-31T00:00:00Z.");
      }
    });
    if (expiresAt.isPresent() && !expiresAt.get().isAfter(monetize.now())) {
      throw new Refusal(ErrorCode.BAD_REQUEST, "expires_at: must be in the future.");
    }
    Optional<String> env = text(body, "environment", false);
    if (env.isPresent() && !env.get().equalsIgnoreCase(monetize.environment().name())) {
      throw new Refusal(ErrorCode.BAD_REQUEST, "environment: this deployment issues " + monetize.environment().name()
          .toLowerCase(java.util.Locale.ROOT) + " keys only (a key of another environment would never work here).");
    }
    Map<String, Long> limits = limits(body, monetize.catalog().plan(org.plan()).orElseThrow(), c.operator());
    charge("{" + c.principal.customerId() + "}:mgmt:keys", KEY_CREATION, "key creation");
    KeyRequest kr = KeyRequest.of(orgId, scopes).expiresAt(expiresAt).limits(limits);
    if (projectId.isPresent()) {
      kr = kr.project(projectId.get());
    }
    IssuedKey issued = monetize.issueKey(kr);
    ObjectNode n = keyJson(issued.key());
    n.put("secret", issued.secret());
    return ok(201, n);
  }

  private Map<String, Long> limits(JsonNode body, Plan plan, boolean operator) {
    JsonNode l = body.get("limits");
    if (l == null || l.isNull()) {
      return Map.of();
    }
    if (!l.isObject()) {
      throw new Refusal(ErrorCode.BAD_REQUEST, "limits: an object of policy name to a whole number.");
    }
    Map<String, Long> planLimits = new HashMap<>();
    planLimits.put("rate", plan.rate().count());
    for (Quota q : plan.quotas()) {
      planLimits.put(q.name(), q.limit());
    }
    Map<String, Long> out = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = l.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      Long planLimit = planLimits.get(e.getKey());
      if (planLimit == null) {
        throw new Refusal(ErrorCode.BAD_REQUEST, "limits." + e.getKey() + ": not a limit of plan '" + plan.name()
            + "'; limits are " + new TreeSet<>(planLimits.keySet()) + ".");
      }
      if (!e.getValue().canConvertToLong() || !e.getValue().isIntegralNumber() || e.getValue().asLong() < 1) {
        throw new Refusal(ErrorCode.BAD_REQUEST, "limits." + e.getKey() + ": a whole number of at least 1.");
      }
      long v = e.getValue().asLong();
      if (v > planLimit && !operator) {
        throw new Refusal(ErrorCode.SCOPE_ESCALATION, "limits." + e.getKey() + ": " + v + " is above the plan's "
            + planLimit + "; only the operator may raise a key's limits.");
      }
      out.put(e.getKey(), v);
    }
    return out;
  }

  private Response listKeys(Request r, Caller c) {
    String orgId = Optional.ofNullable(r.query().get("organization_id")).orElse(c.principal.customerId());
    requireAdmin(c, orgId, "organization", orgId);
    Optional<String> project = Optional.ofNullable(r.query().get("project_id"));
    int limit = pageLimit(r);
    Optional<String> after = Optional.ofNullable(r.query().get("cursor")).map(ManagementApi::decodeCursor);
    List<ApiKey> page = monetize.keys(orgId, project, after, limit + 1);
    ObjectNode n = JSON.createObjectNode();
    ArrayNode data = n.putArray("data");
    page.stream().limit(limit).forEach(k -> data.add(keyJson(k)));
    if (page.size() > limit) {
      n.put("next_cursor", Base64.getUrlEncoder().withoutPadding()
          .encodeToString(page.get(limit - 1).id().getBytes(StandardCharsets.UTF_8)));
    } else {
      n.putNull("next_cursor");
    }
    return ok(200, n);
  }

  /** The {@code limit} query parameter: 1 to {@link #MAX_PAGE}, {@link #DEFAULT_PAGE} when absent. */
  private static int pageLimit(Request r) {
    String value = r.query().get("limit");
    if (value == null) {
      return DEFAULT_PAGE;
    }
    int limit;
    try {
      limit = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > MAX_PAGE) {
      throw new Refusal(ErrorCode.BAD_REQUEST, "limit: a whole number from 1 to " + MAX_PAGE + ".");
    }
    return limit;
  }

  private static String decodeCursor(String cursor) {
    try {
      String id = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (id.isEmpty() || id.length() > 64) {
        throw new IllegalArgumentException();
      }
      return id;
    } catch (IllegalArgumentException e) {
      throw new Refusal(ErrorCode.BAD_REQUEST, "cursor: pass the next_cursor of the previous page unchanged.");
    }
  }

  private ApiKey visibleKey(String id, Caller c) {
    return monetize.key(id).filter(k -> c.adminOf(k.customerId())).orElseThrow(() -> notFound("key", id));
  }

  private Response rotate(Request r, String id, Caller c) {
    ApiKey key = visibleKey(id, c);
    JsonNode body = body(r, Set.of("overlap_seconds"));
    long overlap = number(body, "overlap_seconds", 0, Long.MAX_VALUE / 1_000_000_000L).orElse(86_400L);
    if (key.status() == KeyStatus.REVOKED) {
      throw new Refusal(ErrorCode.BAD_REQUEST, "Key " + id + " is revoked; a revoked key cannot be rotated.");
    }
    IssuedKey issued = monetize.rotateKey(key.id(), Duration.ofSeconds(overlap)).orElseThrow(() -> notFound("key", id));
    ObjectNode n = keyJson(issued.key());
    n.put("secret", issued.secret());
    return ok(200, n);
  }

  private Response revoke(String id, Caller c) {
    ApiKey key = visibleKey(id, c);
    monetize.revokeKey(key.id());
    return ok(200, keyJson(monetize.key(id).orElseThrow()));
  }

  private ObjectNode keyJson(ApiKey k) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", k.id());
    n.put("organization_id", k.customerId());
    if (k.projectId().isPresent()) {
      n.put("project_id", k.projectId().get());
    } else {
      n.putNull("project_id");
    }
    ArrayNode a = n.putArray("scopes");
    new TreeSet<>(k.scopes()).forEach(a::add);
    n.put("environment", k.environment().name().toLowerCase(java.util.Locale.ROOT));
    n.put("status", k.status().name().toLowerCase(java.util.Locale.ROOT));
    n.put("created_at", k.createdAt().toString());
    putInstant(n, "expires_at", k.expiresAt());
    putInstant(n, "previous_valid_until", k.previousValidUntil());
    ObjectNode l = n.putObject("limits");
    new java.util.TreeMap<>(k.limitOverrides()).forEach(l::put);
    return n;
  }

  private static void putInstant(ObjectNode n, String field, Optional<Instant> value) {
    if (value.isPresent()) {
      n.put(field, value.get().toString());
    } else {
      n.putNull(field);
    }
  }

  // ---- usage

  private Response usage(Caller c) {
    Monetize.UsageReport u = monetize.usageReport(c.principal);
    ObjectNode n = JSON.createObjectNode();
    n.put("customer_id", u.principal().customerId());
    n.put("plan", u.principal().plan().name());
    n.put("period_start", u.periodStart().toString());
    n.put("period_end", u.periodEnd().toString());
    ObjectNode usage = n.putObject("usage");
    usage.put("requests", u.requests());
    usage.put("bytes_in", u.bytesIn());
    usage.put("bytes_out", u.bytesOut());
    usage.put("compute_ms", u.computeMillis());
    usage.put("cpu_ms", u.cpuMillis());
    ObjectNode ops = usage.putObject("by_operation");
    u.byOperation().forEach(ops::put);
    ArrayNode limits = n.putArray("limits");
    for (PolicyState s : u.limits()) {
      ObjectNode l = limits.addObject();
      l.put("name", s.name());
      l.put("quota", s.quota());
      l.put("window_seconds", s.windowSeconds());
      l.put("remaining", Math.max(0, s.remaining()));
      l.put("reset_seconds", s.resetSeconds());
      l.put("unit", s.unit());
    }
    u.credits().ifPresent(b -> n.put("credits", b.stripTrailingZeros().toPlainString()));
    ObjectNode cost = n.putObject("cost");
    u.cost().forEach((currency, amount) -> cost.put(currency, amount.stripTrailingZeros().toPlainString()));
    n.put("as_of", u.asOf().toString());
    return ok(200, n);
  }

  // ---- wallet

  private Response wallet(Request r, Caller c) {
    String customerId = Optional.ofNullable(r.query().get("customer_id")).orElse(c.principal.customerId());
    if (!customerId.equals(c.principal.customerId()) && !c.operator() || monetize.customer(customerId).isEmpty()) {
      throw notFound("organization", customerId); // another tenant's wallet does not exist for this caller
    }
    int limit = pageLimit(r);
    ObjectNode n = JSON.createObjectNode();
    n.put("customer_id", customerId);
    n.put("balance", monetize.creditBalance(customerId).stripTrailingZeros().toPlainString());
    ArrayNode entries = n.putArray("entries");
    monetize.walletHistory(customerId, limit).forEach(e -> entries.add(entryJson(e)));
    return ok(200, n);
  }

  private Response topUp(Request r, Caller c) {
    if (!c.operator()) {
      throw new Refusal(ErrorCode.SCOPE_DENIED, "Topping up wallets needs a key with scope '" + OPERATOR_SCOPE + "'.");
    }
    JsonNode body = body(r, Set.of("customer_id", "amount", "id", "note"));
    String customerId = text(body, "customer_id", true).orElseThrow();
    if (monetize.customer(customerId).isEmpty()) {
      throw notFound("organization", customerId);
    }
    JsonNode a = body.get("amount");
    BigDecimal amount;
    try {
      if (a == null || !(a.isTextual() || a.isNumber())) {
        throw new NumberFormatException();
      }
      amount = new BigDecimal(a.asText().trim());
    } catch (NumberFormatException e) {
      throw new Refusal(ErrorCode.BAD_REQUEST, "amount: required, a decimal such as \"25.00\" (negative deducts).");
    }
    String id = text(body, "id", false).orElseGet(() -> "wal_" + ApiKeys.newKeyId(monetize.random()).substring(4));
    dev.monetize.billing.TopUp t;
    try {
      t = monetize.topUp(customerId, amount, id, text(body, "note", false).orElse(""));
    } catch (IllegalArgumentException e) {
      throw new Refusal(ErrorCode.BAD_REQUEST, e.getMessage() + ".");
    }
    ObjectNode n = entryJson(t.entry());
    n.put("applied", t.applied());
    n.put("balance", monetize.creditBalance(customerId).stripTrailingZeros().toPlainString());
    return ok(t.applied() ? 201 : 200, n);
  }

  private static ObjectNode entryJson(dev.monetize.billing.WalletEntry e) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", e.id());
    n.put("customer_id", e.customerId());
    n.put("kind", e.kind());
    n.put("amount", e.amount().stripTrailingZeros().toPlainString());
    n.put("balance_after", e.balanceAfter().stripTrailingZeros().toPlainString());
    n.put("note", e.note());
    n.put("at", e.at().toString());
    return n;
  }

  // ---- invoices

  private Response invoices(Caller c) {
    ObjectNode n = JSON.createObjectNode();
    ArrayNode data = n.putArray("data");
    monetize.currentInvoice(c.principal).ifPresent(inv -> {
      ObjectNode i = data.addObject();
      i.put("number", inv.number());
      i.put("period_start", inv.periodStart().toString());
      i.put("period_end", inv.periodEnd().toString());
      i.put("status", "draft");
      i.put("currency", inv.rated().currency().getCurrencyCode());
      i.put("total", inv.rated().total().toPlainString());
    });
    return ok(200, n);
  }

  private Response invoice(Caller c, String number, String format) {
    if (!Set.of("json", "text", "html").contains(format)) {
      throw new Refusal(ErrorCode.BAD_REQUEST, "format: json, text or html.");
    }
    dev.monetize.billing.Invoice inv = monetize.currentInvoice(c.principal)
        .filter(i -> i.number().equals(number)).orElseThrow(() -> notFound("invoice", number));
    if (!format.equals("json")) {
      boolean html = format.equals("html");
      return new Response(200, html ? "text/html; charset=utf-8" : "text/plain; charset=utf-8",
          List.of(new Header("Cache-Control", "no-store")),
          (html ? inv.html() : inv.text()).getBytes(StandardCharsets.UTF_8));
    }
    try {
      ObjectNode n = (ObjectNode) JSON.readTree(inv.json());
      n.put("status", "draft");
      return ok(200, n);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- tokens

  private Response mintToken(Request r, Caller c) {
    if (c.viaToken) {
      throw new Refusal(ErrorCode.SCOPE_ESCALATION, "Tokens cannot mint tokens; use an API key.");
    }
    JsonNode body = body(r, Set.of("scopes", "ttl_seconds"));
    Set<String> scopes = body.has("scopes") ? scopes(body, true) : c.principal.scopes();
    requireCovered(c.principal.scopes(), scopes, "your key");
    long maxTtl = monetize.tokens().maxTtl().toSeconds();
    long ttl = number(body, "ttl_seconds", 1, maxTtl).orElse(monetize.tokens().defaultTtl().toSeconds());
    charge("{" + c.principal.customerId() + "}:mgmt:tokens:k:" + c.principal.keyId(), TOKEN_MINTING, "token minting");
    Instant now = monetize.now();
    String token = monetize.tokens().mint(c.principal.keyId(), c.principal.customerId(), scopes, now,
        Duration.ofSeconds(ttl));
    ObjectNode n = JSON.createObjectNode();
    n.put("token", token);
    n.put("token_type", "Bearer");
    n.put("expires_at", now.plusSeconds(ttl).toString());
    ArrayNode a = n.putArray("scopes");
    new TreeSet<>(scopes).forEach(a::add);
    return ok(200, n);
  }

  // ---- helpers

  private void charge(String key, Rate rate, String what) {
    LimitVerdict v = monetize.limiterStore().acquire(List.of(new LimitRequest(key, new RatePolicy("rate", rate), 1)),
        monetize.nowNanos());
    if (!v.admitted()) {
      long retry = Math.max(1, PolicyState.ceilSeconds(v.retryAfterNanos()));
      throw new Refusal(ErrorCode.RATE_LIMITED, "Too much " + what + ": at most " + rate.count()
          + " per minute. Retry in " + retry + " s.", retry);
    }
  }

  private void requireAdmin(Caller c, String orgId, String what, String id) {
    if (!c.adminOf(orgId) || monetize.customer(orgId).isEmpty()) {
      if (c.principal.customerId().equals(orgId) && monetize.customer(orgId).isPresent()) {
        throw new Refusal(ErrorCode.SCOPE_DENIED, "Managing keys needs a key with scope '" + ADMIN_SCOPE + "'.");
      }
      throw notFound(what, id);
    }
  }

  private static void requireCovered(Set<String> parent, Set<String> wanted, String whose) {
    Set<String> over = Scopes.uncovered(parent, wanted);
    if (!over.isEmpty()) {
      throw new Refusal(ErrorCode.SCOPE_ESCALATION, "Scopes " + over + " are not held by " + whose + ".");
    }
  }

  private static Refusal notFound(String what, String id) {
    String shown = id.length() > 64 ? id.substring(0, 64) + "..." : id;
    return new Refusal(ErrorCode.NOT_FOUND, "No " + what + " '" + shown + "'.");
  }

  private static JsonNode body(Request r, Set<String> allowed) {
    if (r.body().length == 0) {
      return JSON.createObjectNode();
    }
    JsonNode n;
    try {
      n = JSON.readTree(r.body());
    } catch (IOException e) {
      throw new Refusal(ErrorCode.BAD_REQUEST, "The body is not valid JSON.");
    }
    if (n == null || !n.isObject()) {
      throw new Refusal(ErrorCode.BAD_REQUEST, "The body must be a JSON object.");
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw new Refusal(ErrorCode.BAD_REQUEST, f.length() > 40 ? "Unknown field." : "Unknown field '" + f
            + "'; allowed: " + new TreeSet<>(allowed) + ".");
      }
    }
    return n;
  }

  private static Optional<String> text(JsonNode body, String field, boolean required) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw new Refusal(ErrorCode.BAD_REQUEST, field + ": required.");
      }
      return Optional.empty();
    }
    if (!v.isTextual() || v.asText().isBlank()) {
      throw new Refusal(ErrorCode.BAD_REQUEST, field + ": a non-empty string.");
    }
    return Optional.of(v.asText());
  }

  private static Optional<Long> number(JsonNode body, String field, long min, long max) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
      throw new Refusal(ErrorCode.BAD_REQUEST, field + ": a whole number from " + min + " to " + max + ".");
    }
    return Optional.of(v.asLong());
  }

  private static Set<String> scopes(JsonNode body, boolean required) {
    JsonNode v = body.get("scopes");
    if (v == null || v.isNull()) {
      if (required) {
        throw new Refusal(ErrorCode.BAD_REQUEST, "scopes: required, a list such as [\"stats:read\"].");
      }
      return Set.of();
    }
    if (!v.isArray() || v.isEmpty() || v.size() > 100) {
      throw new Refusal(ErrorCode.BAD_REQUEST, "scopes: a list of 1 to 100 scopes.");
    }
    Set<String> out = new LinkedHashSet<>();
    for (JsonNode s : v) {
      if (!s.isTextual()) {
        throw new Refusal(ErrorCode.BAD_REQUEST, "scopes: every scope is a string.");
      }
      try {
        out.add(Scopes.validate(s.asText()));
      } catch (IllegalArgumentException e) {
        throw new Refusal(ErrorCode.BAD_REQUEST, "scopes: " + e.getMessage() + ".");
      }
    }
    return out;
  }

  private static Response ok(int status, JsonNode body) {
    try {
      return new Response(status, "application/json", List.of(new Header("Cache-Control", "no-store")),
          JSON.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private Response problem(ErrorCode code, String detail, String requestId, List<Header> headers, long retryAfter) {
    Problem p = monetize.problem(code, detail, requestId).withHint(code.hint());
    List<Header> out = new ArrayList<>(headers);
    if (retryAfter > 0) {
      p = p.with("retry_after", retryAfter);
      out.add(new Header("Retry-After", Long.toString(retryAfter)));
    }
    return new Response(code.status(), "application/problem+json", out, ProblemJson.toBytes(p));
  }

  /** A refusal with its code and a caller-safe message. */
  private static final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient ErrorCode code;
    private final long retryAfter;

    Refusal(ErrorCode code, String message) {
      this(code, message, 0);
    }

    Refusal(ErrorCode code, String message, long retryAfter) {
      super(message, null, false, false);
      this.code = code;
      this.retryAfter = retryAfter;
    }
  }
}
