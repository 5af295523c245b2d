package dev.monetize.management.internal;

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
    Bodies.Project body = c.bind(Bodies.Project.class);
    String orgId = ManagementCall.text(body.organizationId(), "organization_id", true).orElseThrow();
    c.authorize(c.organizationTarget(orgId));
    String name = ManagementCall.text(body.name(), "name", true).orElseThrow();
    Set<String> scopes = ManagementCall.scopes(body.scopes(), false);
    if (scopes.isEmpty() && !c.operator()) {
      scopes = c.principal.scopes(); // never the whole plan for a caller that holds less
    }
    ManagementCall.refuseUnless(Authority.grant(c.principal, scopes, orgId));
    long max = limits.maxProjectsPerOrganization();
    ManagementCall.requireRoom("projects", context.keys().countProjects(orgId), max, "Organization " + orgId);
    // counted again with the insert: of creations racing for the last places, no more than fit are made
    Project p = context.keys().createProject(orgId, name, scopes, max)
        .orElseThrow(() -> ManagementCall.full("projects", max, "Organization " + orgId));
    c.details.put("created_project", p.id());
    c.details.put("scopes", String.join(" ", new TreeSet<>(p.scopes())));
    return ManagementCall.ok(201, Views.ProjectView.of(p));
  }
}
