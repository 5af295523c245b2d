package dev.monetize.management.internal;

import dev.monetize.errors.ErrorCode;

import dev.monetize.keys.ApiKeys;
import dev.monetize.management.ManagementApi;
import dev.monetize.management.ManagementLimits;
import dev.monetize.management.Target;
import dev.monetize.plans.BillingAnchor;
import dev.monetize.plans.Customer;
import dev.monetize.plans.Plan;
import java.time.DateTimeException;
import java.time.ZoneId;

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
    Bodies.Organization body = c.bind(Bodies.Organization.class);
    String name = ManagementCall.text(body.name(), "name", true).orElseThrow();
    String plan = ManagementCall.text(body.plan(), "plan", true).orElseThrow();
    if (context.catalog().plan(plan).isEmpty()) {
      throw ManagementRefusal.badRequest("plan: '" + plan + "' is not a plan; plans are "
          + context.catalog().plans().stream().map(Plan::name).toList() + ".");
    }
    String id = ManagementCall.text(body.id(), "id", false)
        .orElseGet(() -> "org_" + ApiKeys.newKeyId(context.random()).substring(4));
    int day = (int) ManagementCall.number(body.billingDay(), "billing_day", 1, 31).orElse(1L).longValue();
    ZoneId zone;
    try {
      zone = ZoneId.of(ManagementCall.text(body.timeZone(), "time_zone", false).orElse("UTC"));
    } catch (DateTimeException e) {
      throw ManagementRefusal.badRequest("time_zone: not a time zone id such as Europe/Berlin.");
    }
    Customer org;
    try {
      org = new Customer(id, plan, BillingAnchor.of(day, zone), name);
    } catch (IllegalArgumentException e) {
      throw ManagementRefusal.badRequest(e.getMessage() + ".");
    }
    if (id.equalsIgnoreCase(dev.monetize.Principal.OPERATOR_ORGANIZATION)) {
      throw ManagementRefusal.badRequest("id: '" + id + "' is reserved to the operator credential.");
    }
    if (id.equals(".") || id.equals("..")) { // refused when made; one stored earlier still reads
      throw ManagementRefusal.badRequest("id: '" + id + "' is a path segment of its own: no URL could name it.");
    }
    // counted and inserted as one step: of two creations of one id one wins, and racing ones make no more than fit
    switch (context.customers().createWithin(org, limits.maxOrganizations())) {
      case FULL -> throw ManagementCall.full("organizations", limits.maxOrganizations(), "The deployment");
      case EXISTS -> throw new ManagementRefusal(dev.monetize.errors.ErrorCode.ALREADY_EXISTS,
          "id: organization '" + id + "' already exists.");
      case CREATED -> { }
      default -> throw new IllegalStateException();
    }
    c.details.put("created_organization", id);
    c.details.put("plan", plan);
    return ManagementCall.ok(201, Views.Organization.of(org));
  }

  ManagementApi.Response getOrganization(ManagementCall c) {
    String id = c.parameter("id");
    c.authorize(context.customers().find(id).<Target>map(o -> Target.organization(o.id()))
        .orElse(Target.missing("organization", id)));
    // in a change's first seconds, before the sweep stores it: the plan admission already follows
    return ManagementCall.ok(200, Views.Organization.of(context.plans().inForce(context.customers().find(id)
        .orElseThrow()), context.plans().scheduled(id)));
  }

  ManagementApi.Response updateOrganization(ManagementCall c) {
    String id = c.parameter("id");
    c.authorize(context.customers().find(id).<Target>map(o -> Target.organization(o.id()))
        .orElse(Target.missing("organization", id)));
    Customer org = context.customers().find(id).orElseThrow();
    Customer inForce = context.plans().inForce(org); // in a change's first seconds, the plan admission follows
    Bodies.OrganizationUpdate body = c.bind(Bodies.OrganizationUpdate.class);
    String plan = ManagementCall.text(body.plan(), "plan", true).orElseThrow();
    if (context.catalog().plan(plan).isEmpty()) {
      throw ManagementRefusal.badRequest("plan: '" + plan + "' is not a plan; plans are "
          + context.catalog().plans().stream().map(Plan::name).toList() + ".");
    }
    String at = ManagementCall.text(body.at(), "at", false).orElse("now");
    c.details.put("target_organization", id);
    c.details.put("from_plan", inForce.plan());
    c.details.put("plan", plan);
    c.details.put("at", at);
    switch (at) {
      case "now" -> {
        java.util.Optional<java.util.Currency> from = currency(inForce.plan());
        java.util.Optional<java.util.Currency> to = currency(plan);
        if (from.isPresent() && to.isPresent() && !from.equals(to)) {
          throw ManagementRefusal.badRequest("plan: '" + plan + "' bills in " + to.get() + " and '" + inForce.plan()
              + "' in " + from.get() + "; an invoice has one currency: change at period_end.");
        }
        java.util.Optional<String> mixed = context.plans().currencyConflict(org, plan);
        if (mixed.isPresent()) {
          throw ManagementRefusal.badRequest("plan: " + mixed.get() + ".");
        }
        Customer changed = context.plans().changeNow(org, plan);
        return ManagementCall.ok(200, Views.Organization.of(context.plans().inForce(changed),
            context.plans().scheduled(id)));
      }
      case "period_end" -> {
        context.plans().schedule(org, plan);
        return ManagementCall.ok(200, Views.Organization.of(inForce, context.plans().scheduled(id)));
      }
      default -> throw ManagementRefusal.badRequest("at: \"now\" or \"period_end\".");
    }
  }

  /** The currency {@code plan} bills in: its own, else that of the operation prices it uses. */
  private java.util.Optional<java.util.Currency> currency(String plan) {
    return context.catalog().plan(plan).flatMap(context.catalog()::currencyOf);
  }

  ManagementApi.Response cancelPlanChange(ManagementCall c) {
    String id = c.parameter("id");
    c.authorize(context.customers().find(id).<Target>map(o -> Target.organization(o.id()))
        .orElse(Target.missing("organization", id)));
    Customer org = context.customers().find(id).orElseThrow();
    if (!context.plans().cancel(org)) {
      if (context.plans().underWay(id)) { // due within ON_EVERY_NODE: other nodes may follow it already
        java.util.Optional<dev.monetize.billing.PlanChange> change = context.plans().scheduled(id);
        throw new ManagementRefusal(ErrorCode.PLAN_CHANGE_UNDER_WAY, "The plan change of organization '" + id
            + "'" + change.map(ch -> " to " + ch.plan() + " at " + ch.since()).orElse("")
            + " takes effect on every node within 30 seconds and can no longer be cancelled; change the plan back"
            + " after it.");
      }
      throw ManagementRefusal.notFound("scheduled plan change of organization", id);
    }
    c.details.put("target_organization", id);
    return ManagementCall.ok(200, Views.Organization.of(context.plans().inForce(org), context.plans().scheduled(id)));
  }

}
