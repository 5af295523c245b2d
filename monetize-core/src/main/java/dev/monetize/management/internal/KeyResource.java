package dev.monetize.management.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.monetize.keys.ApiKey;
import dev.monetize.keys.IssuedKey;
import dev.monetize.keys.KeyRequest;
import dev.monetize.keys.KeyStatus;
import dev.monetize.keys.Project;
import dev.monetize.errors.ErrorCode;
import dev.monetize.keys.internal.KeyRegistry;
import dev.monetize.management.Authority;
import dev.monetize.management.ManagementApi;
import dev.monetize.management.ManagementLimits;
import dev.monetize.management.Target;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Plan;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Keys: issue, list, read, rotate, revoke. */
final class KeyResource {
  private final ManagementContext context;
  private final ManagementLimits limits;

  KeyResource(ManagementContext context, ManagementLimits limits) {
    this.context = context;
    this.limits = limits;
  }

  ManagementApi.Response createKey(ManagementCall c) {
    Bodies.Key body = c.bind(Bodies.Key.class);
    Optional<String> projectId = ManagementCall.text(body.projectId(), "project_id", false);
    Optional<String> orgField = ManagementCall.text(body.organizationId(), "organization_id", false);
    String orgId;
    if (projectId.isPresent()) {
      Optional<Project> p = context.keys().project(projectId.get())
          .filter(x -> orgField.map(x.organizationId()::equals).orElse(true));
      c.authorize(p.<Target>map(x -> Target.project(x.id(), x.organizationId()))
          .orElse(Target.missing("project", projectId.get())));
      orgId = p.orElseThrow().organizationId();
    } else {
      orgId = orgField.orElseThrow(() -> ManagementRefusal.badRequest("organization_id or project_id: one is required."));
      c.authorize(c.organizationTarget(orgId));
    }
    Customer org = context.customers().find(orgId).orElseThrow(() -> ManagementRefusal.notFound("organization", orgId));
    Plan plan = context.catalog().plan(org.plan()).orElseThrow();
    ManagementCall.refuseUnless(Authority.createKeys(c.principal));
    Set<String> scopes = ManagementCall.scopes(body.scopes(), true);
    ManagementCall.refuseUnless(Authority.grant(c.principal, scopes, orgId));
    Optional<Instant> expiresAt = ManagementCall.text(body.expiresAt(), "expires_at", false)
        .map(t -> ManagementCall.instant(t, "expires_at", "2027-01-31T00:00:00Z"));
    if (expiresAt.isPresent() && !expiresAt.get().isAfter(context.time().now())) {
      throw ManagementRefusal.badRequest("expires_at: must be in the future.");
    }
    if (expiresAt.isEmpty() && !c.operator()) {
      expiresAt = c.principal.credential().expiresAt(); // a key made by an expiring key expires with it
    }
    ManagementCall.refuseUnless(Authority.grantLifetime(c.principal, expiresAt));
    Optional<String> env = ManagementCall.text(body.environment(), "environment", false);
    if (env.isPresent() && !env.get().equalsIgnoreCase(context.environment().name())) {
      throw ManagementRefusal.badRequest("environment: this deployment issues " + context.environment().name()
          .toLowerCase(Locale.ROOT) + " keys only (a key of another environment would never work here).");
    }
    Map<String, Long> keyLimits = limits(c, body.limits(), plan);
    // a raise is the operator's, above the plan it was checked against here; never anyone else's, whatever
    // the plan is by the time the key is stored
    Set<String> raised = new java.util.HashSet<>();
    if (c.operator()) {
      Map<String, Long> planLimits = KeyRegistry.limitsOf(plan);
      keyLimits.forEach((name, v) -> {
        if (v > planLimits.get(name)) {
          raised.add(name);
        }
      });
    }
    long maxKeys = limits.maxKeysPerOrganization();
    ManagementCall.requireRoom("keys", context.keys().countKeys(orgId), maxKeys, "Organization " + orgId);
    ManagementCall.charge(context, "{" + c.principal.customerId() + "}:mgmt:keys", "key-creation", limits.keyCreation(), "keys created");
    KeyRequest kr = KeyRequest.of(orgId, scopes).expiresAt(expiresAt).limits(keyLimits);
    if (projectId.isPresent()) {
      kr = kr.project(projectId.get());
    }
    IssuedKey issued;
    try {
      // counted again with the insert: of creations racing for the last places, no more than fit are made
      issued = context.keys().issue(kr, Authority.operator(c.principal) && orgId.equals(c.principal.customerId()),
          raised, maxKeys).orElseThrow(() -> ManagementCall.full("keys", maxKeys, "Organization " + orgId));
    } catch (IllegalArgumentException e) {
      throw ManagementRefusal.badRequest(e.getMessage() + ".");
    }
    c.details.put("created_key", issued.key().id());
    c.details.put("target_organization", orgId);
    c.details.put("scopes", String.join(" ", new TreeSet<>(scopes)));
    if (!keyLimits.isEmpty()) {
      c.details.put("limits", new TreeMap<>(keyLimits).toString());
    }
    return ManagementCall.ok(201, Views.Key.withSecret(issued.key(), issued.secret()));
  }

  private static Map<String, Long> limits(ManagementCall c, Map<String, JsonNode> l, Plan plan) {
    if (l == null) {
      // the caller holds no restriction (Authority.createKeys): a raise it holds is its own, not passed on
      return new HashMap<>();
    }
    Map<String, Long> planLimits = KeyRegistry.limitsOf(plan);
    Map<String, Long> out = new HashMap<>();
    for (Map.Entry<String, JsonNode> e : l.entrySet()) {
      Long planLimit = planLimits.get(e.getKey());
      if (planLimit == null) {
        throw ManagementRefusal.badRequest("limits." + (e.getKey().length() > 40 ? "?" : e.getKey())
            + ": not a limit of plan '" + plan.name() + "'; limits are " + new TreeSet<>(planLimits.keySet()) + ".");
      }
      long max = KeyRegistry.maxOf(e.getKey());
      long v = ManagementCall.number(e.getValue(), "limits." + e.getKey(), 1, max).orElseThrow(() ->
          ManagementRefusal.badRequest("limits." + e.getKey() + ": a whole number "
              + (max == Long.MAX_VALUE ? "of at least 1." : "from 1 to " + max + ".")));
      ManagementCall.refuseUnless(Authority.raiseLimits(c.principal, e.getKey(), v, planLimit));
      out.put(e.getKey(), v);
    }
    return out;
  }



  ManagementApi.Response listKeys(ManagementCall c) {
    Map<String, String> q = c.request.query();
    String orgId = c.organizationNamedBy("organization_id");
    c.authorize(c.organizationTarget(orgId));
    Optional<String> project = Optional.ofNullable(q.get("project_id"));
    int limit = ManagementCall.pageLimit(q);
    Optional<String> after = Optional.ofNullable(q.get("cursor")).map(KeyResource::decodeCursor);
    List<ApiKey> page = context.keys().list(orgId, project, after, limit + 1);
    String next = page.size() > limit ? Base64.getUrlEncoder().withoutPadding()
        .encodeToString(page.get(limit - 1).id().getBytes(StandardCharsets.UTF_8)) : null;
    return ManagementCall.ok(200, new Views.KeyPage(page.stream().limit(limit).map(Views.Key::of).toList(), next));
  }

  private static final java.util.regex.Pattern CURSOR_ID = java.util.regex.Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

  private static String decodeCursor(String cursor) {
    try {
      String id = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (!CURSOR_ID.matcher(id).matches()) { // what no id this API hands out looks like: not one of ours
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
    Optional<ApiKey> key = context.keys().find(id);
    c.authorize(key.<Target>map(Target::key).orElse(Target.missing("key", id)));
    return key.orElseThrow();
  }

  ManagementApi.Response getKey(ManagementCall c) {
    return ManagementCall.ok(200, Views.Key.of(key(c)));
  }

  ManagementApi.Response rotate(ManagementCall c) {
    ApiKey key = key(c);
    if (ManagementRouter.bySession(c.request) && (Authority.operator(c.principal)
        || !key.customerId().equals(c.principal.customerId()))) {
      // the new secret would be a lasting credential of another organization, or the operator's, got with a cookie
      throw new ManagementRefusal(ErrorCode.SESSION_NOT_ALLOWED, "The operator's dashboard session rotates no key; "
          + "send the operator credential in the Authorization header.");
    }
    Bodies.Rotation body = c.bind(Bodies.Rotation.class);
    long max = context.keys().maxRotationOverlap().getSeconds(); // more is refused, never shortened unsaid
    long overlap = ManagementCall.number(body.overlapSeconds(), "overlap_seconds", 0, max).orElse(Math.min(86_400L, max));
    String revoked = "Key " + key.id() + " is revoked; a revoked key cannot be rotated.";
    if (key.status() == KeyStatus.REVOKED) {
      throw ManagementRefusal.badRequest(revoked);
    }
    c.details.put("overlap_seconds", Long.toString(overlap));
    IssuedKey issued = context.keys().rotate(key.id(), Duration.ofSeconds(overlap)).orElseThrow(() ->
        context.keys().find(key.id()).isPresent() ? ManagementRefusal.badRequest(revoked) // revoked meanwhile
            : ManagementRefusal.notFound("key", key.id()));
    return ManagementCall.ok(200, Views.Key.withSecret(issued.key(), issued.secret()));
  }

  ManagementApi.Response revoke(ManagementCall c) {
    ApiKey key = key(c);
    context.keys().revoke(key.id());
    c.details.put("status", "revoked");
    return ManagementCall.ok(200, Views.Key.of(context.keys().find(key.id()).orElseThrow()));
  }

}
