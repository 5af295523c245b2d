package dev.monetize.management.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monetize.keys.Project;
import dev.monetize.management.Authority;
import dev.monetize.management.ManagementApi;
import dev.monetize.management.ManagementLimits;
import java.util.Set;
import java.util.TreeSet;

/** Projects: create, scopes within the caller's. */
final class ProjectResource {
  private final ManagementContext context;
  private final ManagementLimits limits;

  ProjectResource(ManagementContext context, ManagementLimits limits) {
    this.context = context;
    this.limits = limits;
  }

  ManagementApi.Response createProject(ManagementCall c) {
    JsonNode body = c.body(Set.of("organization_id", "name", "scopes"));
    String orgId = ManagementCall.text(body, "organization_id", true).orElseThrow();
    c.authorize(c.organizationTarget(orgId));
    String name = ManagementCall.text(body, "name", true).orElseThrow();
    Set<String> scopes = ManagementCall.scopes(body, false);
    if (scopes.isEmpty() && !c.operator()) {
      scopes = c.principal.scopes(); // never the whole plan for a caller that holds less
    }
    ManagementCall.refuseUnless(Authority.grant(c.principal, scopes, orgId));
    ManagementCall.requireRoom("projects", context.keys().countProjects(orgId), limits.maxProjectsPerOrganization(),
        "Organization " + orgId);
    Project p = context.keys().createProject(orgId, name, scopes);
    c.details.put("created_project", p.id());
    c.details.put("scopes", String.join(" ", new TreeSet<>(p.scopes())));
    ObjectNode n = ManagementCall.JSON.createObjectNode();
    n.put("id", p.id());
    n.put("organization_id", p.organizationId());
    n.put("name", p.name());
    ArrayNode a = n.putArray("scopes");
    new TreeSet<>(p.scopes()).forEach(a::add);
    n.put("created_at", p.createdAt().toString());
    return ManagementCall.ok(201, n);
  }
}
