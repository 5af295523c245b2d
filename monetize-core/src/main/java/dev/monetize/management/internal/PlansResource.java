package dev.monetize.management.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.monetize.management.ManagementApi;
import dev.monetize.openapi.OpenApi;
import dev.monetize.plans.Catalog;
import dev.monetize.plans.Operation;
import dev.monetize.plans.Plan;

/**
 * The plans as JSON, in rank order: each plan's limits as the OpenAPI document's
 * {@code x-monetize-plans} shows them, its fee, minimum and currency, its features, and the
 * operations it includes. What the dashboard compares to show what an upgrade would change.
 */
final class PlansResource {
  private final ManagementContext context;
  private volatile ArrayNode plans; // the catalog never changes: built on first use

  PlansResource(ManagementContext context) {
    this.context = context;
  }

  ManagementApi.Response plans(ManagementCall ignored) {
    ArrayNode p = plans;
    if (p == null) {
      p = build(context.catalog());
      plans = p;
    }
    ObjectNode body = p.arrayNode().objectNode();
    body.set("data", p);
    return ManagementCall.ok(200, body);
  }

  private static ArrayNode build(Catalog catalog) {
    ArrayNode out = (ArrayNode) OpenApi.of(catalog).tree().get("x-monetize-plans").deepCopy();
    for (JsonNode node : out) {
      ObjectNode n = (ObjectNode) node;
      Plan plan = catalog.plan(n.get("name").asText()).orElseThrow();
      plan.fee().ifPresent(f -> n.put("fee", f.amount().toPlainString()));
      plan.minimum().ifPresent(m -> n.put("minimum", m.amount().toPlainString()));
      plan.currency().ifPresent(c -> n.put("currency", c.getCurrencyCode()));
      plan.fee().ifPresent(f -> n.put("currency", f.currency().getCurrencyCode()));
      ArrayNode features = n.putArray("features");
      new java.util.TreeSet<>(plan.features()).forEach(features::add);
      ArrayNode operations = n.putArray("operations");
      for (Operation op : catalog.operations()) {
        if (catalog.allows(plan, op)) {
          operations.add(op.id());
        }
      }
    }
    return out;
  }
}
