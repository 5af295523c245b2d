package dev.monetize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monetize.errors.ErrorCode;
import dev.monetize.keys.ApiKey;
import dev.monetize.keys.ApiKeys;
import dev.monetize.keys.IssuedKey;
import dev.monetize.keys.KeyRequest;
import dev.monetize.keys.KeyStatus;
import dev.monetize.keys.Project;
import dev.monetize.keys.internal.KeyRegistry;
import dev.monetize.management.Authority;
import dev.monetize.management.ManagementLimits;
import dev.monetize.management.Target;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Plan;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Organizations, projects, keys and tokens of the management API. Every handler asks the authority first. */
final class KeyResources {
  private static final int MAX_PAGE = 100;
  private static final int DEFAULT_PAGE = 20;

  private final Monetize monetize;
  private final ManagementApi api;
  private final ManagementLimits limits;

  KeyResources(Monetize monetize, ManagementApi api) {
    this.monetize = monetize;
    this.api = api;
    this.limits = api.limits();
  }

  // ---- organizations

  ManagementApi.Response createOrganization(ManagementCall c) {
    c.authorize(Target.self());
    JsonNode body = c.body(Set.of("id", "name", "plan", "billing_day", "time_zone"));
    String name = ManagementCall.text(body, "name", true).orElseThrow();
    String plan = ManagementCall.text(body, "plan", true).orElseThrow();
    if (monetize.catalog().plan(plan).isEmpty()) {
      throw ManagementRefusal.badRequest("plan: '" + plan + "' is not a plan; plans are "
          + monetize.catalog().plans().stream().map(Plan::name).toList() + ".");
    }
    String id = ManagementCall.text(body, "id", false)
        .orElseGet(() -> "org_" + ApiKeys.newKeyId(monetize.random()).substring(4));
    int day = (int) ManagementCall.number(body, "billing_day", 1, 31).orElse(1L).longValue();
    ZoneId zone;
    try {
      zone = ZoneId.of(ManagementCall.text(body, "time_zone", false).orElse("UTC"));
    } catch (DateTimeException e) {
      throw ManagementRefusal.badRequest("time_zone: not a time zone id such as Europe/Berlin.");
    }
    Customer org;
    try {
      org = new Customer(id, plan, BillingAnchor.of(day, zone), name);
    } catch (IllegalArgumentException e) {
      throw ManagementRefusal.badRequest(e.getMessage() + ".");
    }
    if (monetize.customers().find(id).isPresent()) {
      throw ManagementRefusal.badRequest("id: organization '" + id + "' already exists.");
    }
    ManagementApi.requireRoom("organizations", monetize.customers().count(), limits.maxOrganizations(), "The deployment");
    c.details.put("created_organization", id);
    c.details.put("plan", plan);
    monetize.customers().save(org);
    return ManagementApi.ok(201, orgJson(org));
  }

  ManagementApi.Response getOrganization(ManagementCall c) {
    String id = c.parameter("id");
    c.authorize(monetize.customers().find(id).<Target>map(o -> Target.organization(o.id()))
        .orElse(Target.missing("organization", id)));
    return ManagementApi.ok(200, orgJson(monetize.customers().find(id).orElseThrow()));
  }

  private static ObjectNode orgJson(Customer org) {
    ObjectNode n = ManagementCall.JSON.createObjectNode();
    n.put("id", org.id());
    n.put("name", org.name());
    n.put("plan", org.plan());
    n.put("billing_day", org.billingAnchor().dayOfMonth());
    n.put("time_zone", org.billingAnchor().zone().getId());
    return n;
  }

  /** An organization named by the caller, as a target: missing when it does not exist. */
  private Target organization(String id) {
    return monetize.customers().find(id).isPresent() ? Target.organization(id) : Target.missing("organization", id);
  }

  // ---- projects

  ManagementApi.Response createProject(ManagementCall c) {
    JsonNode body = c.body(Set.of("organization_id", "name", "scopes"));
    String orgId = ManagementCall.text(body, "organization_id", true).orElseThrow();
    c.authorize(organization(orgId));
    String name = ManagementCall.text(body, "name", true).orElseThrow();
    Set<String> scopes = ManagementCall.scopes(body, false);
    if (scopes.isEmpty() && !c.operator()) {
      scopes = c.principal.scopes(); // never the whole plan for a caller that holds less
    }
    ManagementCall.refuseUnless(Authority.grant(c.principal, scopes, orgId));
    ManagementApi.requireRoom("projects", monetize.keyRegistry().countProjects(orgId), limits.maxProjectsPerOrganization(),
        "Organization " + orgId);
    Project p = monetize.keys().createProject(orgId, name, scopes);
    c.details.put("created_project", p.id());
    c.details.put("scopes", String.join(" ", new TreeSet<>(p.scopes())));
    ObjectNode n = ManagementCall.JSON.createObjectNode();
    n.put("id", p.id());
    n.put("organization_id", p.organizationId());
    n.put("name", p.name());
    ArrayNode a = n.putArray("scopes");
    new TreeSet<>(p.scopes()).forEach(a::add);
    n.put("created_at", p.createdAt().toString());
    return ManagementApi.ok(201, n);
  }

  // ---- keys

  ManagementApi.Response createKey(ManagementCall c) {
    JsonNode body = c.body(Set.of("organization_id", "project_id", "scopes", "expires_at", "environment", "limits",
        "name"));
    Optional<String> projectId = ManagementCall.text(body, "project_id", false);
    Optional<String> orgField = ManagementCall.text(body, "organization_id", false);
    String orgId;
    if (projectId.isPresent()) {
      Optional<Project> p = monetize.keys().project(projectId.get())
          .filter(x -> orgField.map(x.organizationId()::equals).orElse(true));
      c.authorize(p.<Target>map(x -> Target.project(x.id(), x.organizationId()))
          .orElse(Target.missing("project", projectId.get())));
      orgId = p.orElseThrow().organizationId();
    } else {
      orgId = orgField.orElseThrow(() -> ManagementRefusal.badRequest("organization_id or project_id: one is required."));
      c.authorize(organization(orgId));
    }
    Customer org = monetize.customers().find(orgId).orElseThrow(() -> ManagementRefusal.notFound("organization", orgId));
    Set<String> scopes = ManagementCall.scopes(body, true);
    ManagementCall.refuseUnless(Authority.grant(c.principal, scopes, orgId));
    Optional<Instant> expiresAt = ManagementCall.text(body, "expires_at", false).map(t -> {
      try {
        return Instant.parse(t);
      } catch (DateTimeException e) {
        throw ManagementRefusal.badRequest("expires_at: an ISO-8601 instant such as 2027-01-31T00:00:00Z.");
      }
    });
    if (expiresAt.isPresent() && !expiresAt.get().isAfter(monetize.now())) {
      throw ManagementRefusal.badRequest("expires_at: must be in the future.");
    }
    if (expiresAt.isEmpty() && !c.operator()) {
      expiresAt = c.principal.credential().expiresAt(); // a key made by an expiring key expires with it
    }
    ManagementCall.refuseUnless(Authority.grantLifetime(c.principal, expiresAt));
    Optional<String> env = ManagementCall.text(body, "environment", false);
    if (env.isPresent() && !env.get().equalsIgnoreCase(monetize.environment().name())) {
      throw ManagementRefusal.badRequest("environment: this deployment issues " + monetize.environment().name()
          .toLowerCase(Locale.ROOT) + " keys only (a key of another environment would never work here).");
    }
    Map<String, Long> keyLimits = limits(c, body, monetize.catalog().plan(org.plan()).orElseThrow());
    ManagementApi.requireRoom("keys", monetize.keyRegistry().countKeys(orgId), limits.maxKeysPerOrganization(),
        "Organization " + orgId);
    api.charge("{" + c.principal.customerId() + "}:mgmt:keys", "key-creation", limits.keyCreation(), "keys created");
    KeyRequest kr = KeyRequest.of(orgId, scopes).expiresAt(expiresAt).limits(keyLimits);
    if (projectId.isPresent()) {
      kr = kr.project(projectId.get());
    }
    IssuedKey issued = monetize.keyRegistry().issue(kr, Authority.operator(c.principal) && orgId.equals(c.principal.customerId()));
    c.details.put("created_key", issued.key().id());
    c.details.put("target_organization", orgId);
    c.details.put("scopes", String.join(" ", new TreeSet<>(scopes)));
    if (!keyLimits.isEmpty()) {
      c.details.put("limits", new TreeMap<>(keyLimits).toString());
    }
    ObjectNode n = keyJson(issued.key());
    n.put("secret", issued.secret());
    return ManagementApi.ok(201, n);
  }

  private static Map<String, Long> limits(ManagementCall c, JsonNode body, Plan plan) {
    JsonNode l = body.get("limits");
    if (l == null || l.isNull()) {
      return Authority.operator(c.principal) ? Map.of() : c.principal.limitOverrides();
    }
    if (!l.isObject()) {
      throw ManagementRefusal.badRequest("limits: an object of policy name to a whole number.");
    }
    Map<String, Long> planLimits = KeyRegistry.limitsOf(plan);
    // a key created by a limited key is at most as limited: its limits start from the creator's
    Map<String, Long> out = new HashMap<>(Authority.operator(c.principal) ? Map.of() : c.principal.limitOverrides());
    for (Iterator<Map.Entry<String, JsonNode>> it = l.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      Long planLimit = planLimits.get(e.getKey());
      if (planLimit == null) {
        throw ManagementRefusal.badRequest("limits." + (e.getKey().length() > 40 ? "?" : e.getKey())
            + ": not a limit of plan '" + plan.name() + "'; limits are " + new TreeSet<>(planLimits.keySet()) + ".");
      }
      long v = ManagementCall.number(l, e.getKey(), 1, Long.MAX_VALUE).orElseThrow(() ->
          ManagementRefusal.badRequest("limits." + e.getKey() + ": a whole number of at least 1."));
      ManagementCall.refuseUnless(Authority.raiseLimits(c.principal, e.getKey(), v, planLimit));
      out.put(e.getKey(), v);
    }
    return out;
  }

  ManagementApi.Response listKeys(ManagementCall c) {
    Map<String, String> q = c.request.query();
    String orgId = Optional.ofNullable(q.get("organization_id")).orElse(c.principal.customerId());
    c.authorize(organization(orgId));
    Optional<String> project = Optional.ofNullable(q.get("project_id"));
    int limit = pageLimit(q);
    Optional<String> after = Optional.ofNullable(q.get("cursor")).map(KeyResources::decodeCursor);
    List<ApiKey> page = monetize.keys().list(orgId, project, after, limit + 1);
    ObjectNode n = ManagementCall.JSON.createObjectNode();
    ArrayNode data = n.putArray("data");
    page.stream().limit(limit).forEach(k -> data.add(keyJson(k)));
    if (page.size() > limit) {
      n.put("next_cursor", Base64.getUrlEncoder().withoutPadding()
          .encodeToString(page.get(limit - 1).id().getBytes(StandardCharsets.UTF_8)));
    } else {
      n.putNull("next_cursor");
    }
    return ManagementApi.ok(200, n);
  }

  /** The {@code limit} query parameter: 1 to {@link #MAX_PAGE}, {@link #DEFAULT_PAGE} when absent. */
  static int pageLimit(Map<String, String> query) {
    String value = query.get("limit");
    if (value == null) {
      return DEFAULT_PAGE;
    }
    int limit;
    try {
      limit = value.length() > 3 ? -1 : Integer.parseInt(value);
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > MAX_PAGE) {
      throw ManagementRefusal.badRequest("limit: a whole number from 1 to " + MAX_PAGE + ".");
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
      throw ManagementRefusal.badRequest("cursor: pass the next_cursor of the previous page unchanged.");
    }
  }

  /** The key named in the path, as a target (authorized before anything is done with it). */
  private ApiKey key(ManagementCall c) {
    String id = c.parameter("id");
    Optional<ApiKey> key = monetize.keys().find(id);
    c.authorize(key.<Target>map(Target::key).orElse(Target.missing("key", id)));
    return key.orElseThrow();
  }

  ManagementApi.Response getKey(ManagementCall c) {
    return ManagementApi.ok(200, keyJson(key(c)));
  }

  ManagementApi.Response rotate(ManagementCall c) {
    ApiKey key = key(c);
    JsonNode body = c.body(Set.of("overlap_seconds"));
    long overlap = ManagementCall.number(body, "overlap_seconds", 0, Long.MAX_VALUE / 1_000_000_000L).orElse(86_400L);
    if (key.status() == KeyStatus.REVOKED) {
      throw ManagementRefusal.badRequest("Key " + key.id() + " is revoked; a revoked key cannot be rotated.");
    }
    c.details.put("overlap_seconds", Long.toString(overlap));
    IssuedKey issued = monetize.keys().rotate(key.id(), Duration.ofSeconds(overlap))
        .orElseThrow(() -> ManagementRefusal.notFound("key", key.id()));
    ObjectNode n = keyJson(issued.key());
    n.put("secret", issued.secret());
    return ManagementApi.ok(200, n);
  }

  ManagementApi.Response revoke(ManagementCall c) {
    ApiKey key = key(c);
    monetize.keys().revoke(key.id());
    c.details.put("status", "revoked");
    return ManagementApi.ok(200, keyJson(monetize.keys().find(key.id()).orElseThrow()));
  }

  static ObjectNode keyJson(ApiKey k) {
    ObjectNode n = ManagementCall.JSON.createObjectNode();
    n.put("id", k.id());
    n.put("organization_id", k.customerId());
    if (k.projectId().isPresent()) {
      n.put("project_id", k.projectId().get());
    } else {
      n.putNull("project_id");
    }
    ArrayNode a = n.putArray("scopes");
    new TreeSet<>(k.scopes()).forEach(a::add);
    n.put("environment", k.environment().name().toLowerCase(Locale.ROOT));
    n.put("status", k.status().name().toLowerCase(Locale.ROOT));
    n.put("created_at", k.createdAt().toString());
    putInstant(n, "expires_at", k.expiresAt());
    putInstant(n, "previous_valid_until", k.previousValidUntil());
    ObjectNode l = n.putObject("limits");
    new TreeMap<>(k.limitOverrides()).forEach(l::put);
    return n;
  }

  private static void putInstant(ObjectNode n, String field, Optional<Instant> value) {
    if (value.isPresent()) {
      n.put(field, value.get().toString());
    } else {
      n.putNull(field);
    }
  }

  // ---- tokens

  ManagementApi.Response mintToken(ManagementCall c) {
    c.authorize(Target.self());
    JsonNode body = c.body(Set.of("scopes", "ttl_seconds"));
    Set<String> scopes = body.has("scopes") ? ManagementCall.scopes(body, true) : c.principal.scopes();
    ManagementCall.refuseUnless(Authority.grant(c.principal, scopes, c.principal.customerId()));
    long maxTtl = monetize.tokens().maxTtl().toSeconds();
    long ttl = ManagementCall.number(body, "ttl_seconds", 1, maxTtl).orElse(monetize.tokens().defaultTtl().toSeconds());
    api.charge("{" + c.principal.customerId() + "}:mgmt:tokens:k:" + c.principal.keyId(), "token-minting",
        limits.tokenMinting(), "tokens minted");
    Instant now = monetize.now();
    String token = monetize.mintToken(c.principal, scopes, now, Duration.ofSeconds(ttl))
        .orElseThrow(() -> new ManagementRefusal(ErrorCode.KEY_INVALID, "The key is no longer valid."));
    c.details.put("scopes", String.join(" ", new TreeSet<>(scopes)));
    c.details.put("ttl_seconds", Long.toString(ttl));
    ObjectNode n = ManagementCall.JSON.createObjectNode();
    n.put("token", token);
    n.put("token_type", "Bearer");
    n.put("expires_at", now.plusSeconds(ttl).toString());
    ArrayNode a = n.putArray("scopes");
    new TreeSet<>(scopes).forEach(a::add);
    return ManagementApi.ok(200, n);
  }
}
