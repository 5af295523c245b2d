package dev.monetize.management.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monetize.keys.ApiKeys;
import dev.monetize.management.ManagementApi;
import dev.monetize.management.ManagementLimits;
import dev.monetize.management.Target;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Plan;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Set;

/** Organizations: create (operator), read. */
final class OrganizationResource {
  private final ManagementContext context;
  private final ManagementLimits limits;

  OrganizationResource(ManagementContext context, ManagementLimits limits) {
    this.context = context;
    this.limits = limits;
  }

  ManagementApi.Response createOrganization(ManagementCall c) {
    c.authorize(Target.self());
    JsonNode body = c.body(Set.of("id", "name", "plan", "billing_day", "time_zone"));
    String name = ManagementCall.text(body, "name", true).orElseThrow();
    String plan = ManagementCall.text(body, "plan", true).orElseThrow();
    if (context.catalog().plan(plan).isEmpty()) {
      throw ManagementRefusal.badRequest("plan: '" + plan + "' is not a plan; plans are "
          + context.catalog().plans().stream().map(Plan::name).toList() + ".");
    }
    String id = ManagementCall.text(body, "id", false)
        .orElseGet(() -> "org_" + ApiKeys.newKeyId(context.random()).substring(4));
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
    if (context.customers().find(id).isPresent()) {
      throw ManagementRefusal.badRequest("id: organization '" + id + "' already exists.");
    }
    ManagementCall.requireRoom("organizations", context.customers().count(), limits.maxOrganizations(), "The deployment");
    c.details.put("created_organization", id);
    c.details.put("plan", plan);
    context.customers().save(org);
    return ManagementCall.ok(201, orgJson(org));
  }

  ManagementApi.Response getOrganization(ManagementCall c) {
    String id = c.parameter("id");
    c.authorize(context.customers().find(id).<Target>map(o -> Target.organization(o.id()))
        .orElse(Target.missing("organization", id)));
    return ManagementCall.ok(200, orgJson(context.customers().find(id).orElseThrow()));
  }

  static ObjectNode orgJson(Customer org) {
    ObjectNode n = ManagementCall.JSON.createObjectNode();
    n.put("id", org.id());
    n.put("name", org.name());
    n.put("plan", org.plan());
    n.put("billing_day", org.billingAnchor().dayOfMonth());
    n.put("time_zone", org.billingAnchor().zone().getId());
    return n;
  }
}
